using System.Collections;
using System.Globalization;
using Parquet.Serialization;

namespace IRanker.Datasets;

/// <summary>Reads Ranking-bench records from a parquet file (any row groups; strings or lists of strings as in the Hugging Face export).</summary>
internal static class RankingBenchParquetReader
{
    public static async Task<List<(RankingBenchRawRecord Record, string Kind, long Number)>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        IList<Dictionary<string, object>> rows;
        try
        {
            rows = (await ParquetSerializer.DeserializeUntypedAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false)).Data;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ApplicationException)
        {
            throw new RankingBenchFormatException(path, "row", 1, null, $"not a readable parquet file ({e.Message}).");
        }

        var records = new List<(RankingBenchRawRecord, string, long)>(rows.Count);
        for (int r = 0; r < rows.Count; r++)
            records.Add((Parse(rows[r], path, r + 1), "row", r + 1));
        return records;
    }

    private static RankingBenchRawRecord Parse(Dictionary<string, object> row, string path, long number)
    {
        Exception Fail(string field, string problem) => new RankingBenchFormatException(path, "row", number, field, problem);
        object? Field(string name) => row.TryGetValue(name, out var value) ? value : null;

        string problem = Field("problem") is { } p ? AsString(p) ?? throw Fail("problem", $"must be a string, not {p.GetType().Name}.") : throw Fail("problem", "missing.");
        var candidates = Field("candidates") is { } c ? AsStrings(c, allowSingle: false) ?? throw Fail("candidates", "must be a list of strings.") : throw Fail("candidates", "missing.");
        var gt = Field("gt") is { } g ? AsStrings(g, allowSingle: true) ?? throw Fail("gt", "must be a string or a list of strings.") : throw Fail("gt", "missing.");
        string? taskName = Field("task_name") is { } t ? AsString(t) ?? throw Fail("task_name", "must be a string.") : null;
        var ids = Field("candidate_ids") is { } i ? AsStrings(i, allowSingle: false) ?? throw Fail("candidate_ids", "must be a list of strings.") : null;
        List<float>? labels = null;
        if (Field("labels") is IEnumerable l and not string)
        {
            labels = [];
            foreach (var value in l)
                labels.Add(value is IConvertible convertible and not string
                    ? Convert.ToSingle(convertible, CultureInfo.InvariantCulture)
                    : throw Fail("labels", $"entry {labels.Count} is not a number."));
        }
        return new RankingBenchRawRecord(problem, candidates, gt, taskName, ids, labels);
    }

    private static string? AsString(object value) => value switch
    {
        string s => s,
        ReadOnlyMemory<char> m => m.ToString(),
        _ => null,
    };

    private static List<string>? AsStrings(object value, bool allowSingle)
    {
        if (AsString(value) is { } single) return allowSingle ? [single] : null;
        if (value is not IEnumerable items) return null;
        var strings = new List<string>();
        foreach (var item in items)
        {
            if (item is null || AsString(item) is not { } s) return null;
            strings.Add(s);
        }
        return strings;
    }
}
