using System.Globalization;
using System.Text;
using System.Text.Json;
using Parquet.Serialization;

namespace IRanker.Cli.Tests.Support;

/// <summary>
/// Small deterministic lists (one topic per query; the candidate that explains the topic is the most relevant) written
/// in every format the command reads, with the library's default column names.
/// </summary>
internal static class TestLists
{
    private static readonly string[] Topics = ["volcano", "glacier", "comet", "reef", "desert", "canyon", "tundra", "monsoon", "delta", "geyser", "fjord", "atoll"];

    /// <summary>One row: the default columns, in order.</summary>
    public sealed class Row
    {
        public string GroupId { get; set; } = "";
        public string Query { get; set; } = "";
        public string Candidate { get; set; } = "";
        public string CandidateId { get; set; } = "";
        public float Label { get; set; }
        public string Task { get; set; } = "";
    }

    public static List<Row> Rows(int groups, int firstTopic = 0, string task = "")
    {
        var random = new Random(firstTopic + 1);
        var rows = new List<Row>();
        for (int g = 0; g < groups; g++)
        {
            string topic = Topics[(firstTopic + g) % Topics.Length];
            (string Id, string Text, float Label)[] candidates =
            [
                ("a", $"the {topic} explained in detail, with its history", 3),
                ("b", $"a short note about the {topic}", 1),
                ("c", "bananas are yellow, and sweet", 0),
                ("d", $"{Topics[(firstTopic + g + 5) % Topics.Length]} souvenirs for sale", 0),
            ];
            foreach (var c in candidates.OrderBy(_ => random.Next()))
                rows.Add(new Row { GroupId = $"q{firstTopic + g}", Query = $"tell me about the {topic}", Candidate = c.Text, CandidateId = c.Id, Label = c.Label, Task = task });
        }
        return rows;
    }

    /// <summary>Writes <paramref name="rows"/> in the format of <paramref name="path"/>'s extension.</summary>
    public static string Write(string path, IReadOnlyList<Row> rows)
    {
        switch (System.IO.Path.GetExtension(path))
        {
            case ".tsv":
                File.WriteAllLines(path, ["GroupId\tQuery\tCandidate\tCandidateId\tLabel\tTask",
                    .. rows.Select(r => string.Join('\t', r.GroupId, r.Query, r.Candidate, r.CandidateId, Number(r.Label), r.Task))]);
                break;
            case ".csv":
                File.WriteAllLines(path, ["GroupId,Query,Candidate,CandidateId,Label,Task",
                    .. rows.Select(r => string.Join(',', r.GroupId, Csv(r.Query), Csv(r.Candidate), Csv(r.CandidateId), Number(r.Label), Csv(r.Task)))]);
                break;
            case ".jsonl":
                File.WriteAllLines(path, rows.Select(r => JsonSerializer.Serialize(r)));
                break;
            case ".parquet":
                using (var stream = File.Create(path))
                    ParquetSerializer.SerializeAsync(rows, stream).GetAwaiter().GetResult();
                break;
            default:
                throw new ArgumentException(path);
        }
        return path;
    }

    /// <summary>Reads the Rank column of a ranked file in any format, in row order.</summary>
    public static int[] Ranks(string ranked)
    {
        switch (System.IO.Path.GetExtension(ranked))
        {
            case ".jsonl":
                return File.ReadAllLines(ranked).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Rank").GetInt32()).ToArray();
            case ".parquet":
                using (var stream = File.OpenRead(ranked))
                    return ParquetSerializer.DeserializeUntypedAsync(stream).GetAwaiter().GetResult().Data.Select(r => Convert.ToInt32(r["Rank"], CultureInfo.InvariantCulture)).ToArray();
            default:
                // The test rows hold no quoted field with the separator at the Rank column's end, so the last fields split cleanly.
                char separator = ranked.EndsWith(".csv", StringComparison.Ordinal) ? ',' : '\t';
                var lines = File.ReadAllLines(ranked, Encoding.UTF8);
                int fromEnd = lines[0].Split(separator).Length - Array.IndexOf(lines[0].Split(separator), "Rank");
                return lines.Skip(1).Select(l => l.Split(separator)).Select(f => int.Parse(f[^fromEnd], CultureInfo.InvariantCulture)).ToArray();
        }
    }

    private static string Number(float value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Csv(string text) => text.Contains(',') || text.Contains('"') ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
}
