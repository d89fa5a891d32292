using System.Globalization;
using System.Text.Json;

namespace IRanker.Datasets;

/// <summary>Reads Ranking-bench records from JSON lines (one object per line) or from a JSON array of objects.</summary>
internal static class RankingBenchJsonReader
{
    public static IEnumerable<(RankingBenchRawRecord Record, string Kind, long Number)> Read(string path)
    {
        using var reader = new StreamReader(path);
        int first;
        while ((first = reader.Peek()) >= 0 && char.IsWhiteSpace((char)first)) reader.Read();
        if (first == '[') return ReadArray(path, reader.ReadToEnd());
        reader.Dispose();
        return ReadLines(path);
    }

    private static IEnumerable<(RankingBenchRawRecord, string, long)> ReadLines(string path)
    {
        long lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument document;
            try { document = JsonDocument.Parse(line); }
            catch (JsonException e) { throw new RankingBenchFormatException(path, "line", lineNumber, null, $"not valid JSON ({e.Message})."); }
            using (document) yield return (Parse(document.RootElement, path, "line", lineNumber), "line", lineNumber);
        }
    }

    private static IEnumerable<(RankingBenchRawRecord, string, long)> ReadArray(string path, string text)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(text); }
        catch (JsonException e) { throw new RankingBenchFormatException(path, "record", 1, null, $"not valid JSON ({e.Message})."); }
        using (document)
        {
            long number = 0;
            var records = new List<(RankingBenchRawRecord, string, long)>();
            foreach (var element in document.RootElement.EnumerateArray())
            {
                number++;
                records.Add((Parse(element, path, "record", number), "record", number));
            }
            return records;
        }
    }

    private static RankingBenchRawRecord Parse(JsonElement element, string path, string kind, long number)
    {
        Exception Fail(string field, string problem) => new RankingBenchFormatException(path, kind, number, field, problem);
        if (element.ValueKind != JsonValueKind.Object) throw new RankingBenchFormatException(path, kind, number, null, "expected a JSON object.");

        JsonElement? Field(string name) => element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
        string RequiredString(string name) =>
            Field(name) is { ValueKind: JsonValueKind.String } v ? v.GetString()! : throw Fail(name, Field(name) is null ? "missing." : "must be a string.");
        List<string> Strings(string name, JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.String) return [value.GetString()!];
            if (value.ValueKind != JsonValueKind.Array) throw Fail(name, "must be a string or a list of strings.");
            return value.EnumerateArray().Select((v, i) => v.ValueKind == JsonValueKind.String
                ? v.GetString()!
                : throw Fail(name, $"entry {i} is {v.ValueKind}, not a string.")).ToList();
        }

        var candidates = Field("candidates") is { } c ? Strings("candidates", c) : throw Fail("candidates", "missing.");
        if (Field("candidates")!.Value.ValueKind != JsonValueKind.Array) throw Fail("candidates", "must be a list of strings.");
        var gt = Field("gt") is { } g ? Strings("gt", g) : throw Fail("gt", "missing.");
        string? taskName = Field("task_name") is { } t
            ? t.ValueKind == JsonValueKind.String ? t.GetString() : throw Fail("task_name", "must be a string.")
            : null;
        var ids = Field("candidate_ids") is { } i ? Strings("candidate_ids", i) : null;
        List<float>? labels = null;
        if (Field("labels") is { } l)
        {
            if (l.ValueKind != JsonValueKind.Array) throw Fail("labels", "must be a list of numbers.");
            labels = l.EnumerateArray().Select((v, n) => v.ValueKind == JsonValueKind.Number
                ? v.GetSingle()
                : throw Fail("labels", $"entry {n.ToString(CultureInfo.InvariantCulture)} is {v.ValueKind}, not a number.")).ToList();
        }
        return new RankingBenchRawRecord(RequiredString("problem"), candidates, gt, taskName, ids, labels);
    }
}
