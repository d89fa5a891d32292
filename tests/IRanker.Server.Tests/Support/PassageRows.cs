using IRanker.Model;

namespace IRanker.Server.Tests.Support;

/// <summary>One row of a passage list: its relevance label, group, query and candidate.</summary>
public sealed class PassageRow
{
    public float Label { get; set; }
    public string GroupId { get; set; } = "";
    public string Query { get; set; } = "";
    public string Candidate { get; set; } = "";
}

/// <summary>Small passage lists about geographic topics, the same every time.</summary>
internal static class PassageRows
{
    private static readonly string[] Topics = ["volcano", "glacier", "comet", "reef", "desert", "canyon", "tundra", "monsoon"];

    public static IEnumerable<PassageRow> Rows(int groups) => Queries(groups).SelectMany((q, g) =>
        q.Candidates.Select(c => new PassageRow { Label = c.Label ?? 0, GroupId = $"q{g}", Query = q.Context, Candidate = c.Text }));

    public static IEnumerable<RankingQuery> Queries(int groups)
    {
        for (int g = 0; g < groups; g++)
        {
            string topic = Topics[g % Topics.Length];
            (float Label, string Text)[] candidates =
            [
                (4, $"{topic} history explained in detail by experts"),
                (2, $"a short overview of the {topic}"),
                (0, "bananas are yellow and sweet"),
                (1, $"{topic} tours advertisement buy now"),
            ];
            yield return new RankingQuery($"tell me about the {topic}",
                candidates.Select((c, i) => new RankingCandidate($"passage {i + 1}", c.Text, c.Label)).ToArray(), RankingScenario.Passage);
        }
    }
}
