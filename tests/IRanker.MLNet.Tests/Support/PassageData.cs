using System.Globalization;

namespace IRanker.MLNet.Tests.Support;

/// <summary>
/// Deterministic passage-ranking data. Every query names a topic; three candidates mention the topic (so word
/// overlap alone cannot order them) and only their other words tell how relevant they are, which a learner
/// has to pick up from the labels.
/// </summary>
internal static class PassageData
{
    private static readonly string[] Topics =
    [
        "volcano", "glacier", "comet", "reef", "desert", "canyon", "tundra", "monsoon", "delta", "geyser",
        "savanna", "fjord", "atoll", "lagoon", "prairie", "mesa", "estuary", "plateau", "marsh", "dune",
    ];

    public static PassageRow[] Rows(int groups, int seed, int firstTopic = 0)
    {
        var random = new Random(seed);
        var rows = new List<PassageRow>();
        for (int g = 0; g < groups; g++)
        {
            string topic = Topics[(firstTopic + g) % Topics.Length];
            string other = Topics[(firstTopic + g + 7) % Topics.Length];
            string group = $"q{firstTopic + g}";
            string query = $"tell me about the {topic}";
            (float Label, string Text)[] candidates =
            [
                (4, $"{topic} history explained in detail by experts"),
                (2, $"a short overview of the {topic}"),
                (1, $"{topic} tours advertisement buy now"),
                (0, $"{other} souvenirs advertisement cheap"),
                (0, "bananas are yellow and sweet"),
            ];
            foreach (var (label, text) in candidates.OrderBy(_ => random.Next()))
                rows.Add(new PassageRow { Label = label, GroupId = group, Query = query, Candidate = text });
        }
        return rows.ToArray();
    }

    /// <summary>Writes <paramref name="rows"/> to data.tsv in a new temporary folder; returns its path.</summary>
    public static string WriteTempTsv(string prefix, IEnumerable<PassageRow> rows)
    {
        string tsv = Path.Combine(Directory.CreateTempSubdirectory(prefix).FullName, "data.tsv");
        WriteTsv(tsv, rows);
        return tsv;
    }

    public static void WriteTsv(string path, IEnumerable<PassageRow> rows)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("Label\tGroupId\tQuery\tCandidate");
        foreach (var r in rows)
            writer.WriteLine($"{r.Label.ToString(CultureInfo.InvariantCulture)}\t{r.GroupId}\t{r.Query}\t{r.Candidate}");
    }
}
