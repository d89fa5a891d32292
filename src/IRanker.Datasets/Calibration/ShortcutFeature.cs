using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// One surface feature of a candidate that a ranker could use instead of relevance: the calibration ranks every list by
/// it, highest first and lowest first, and checks that neither beats chance (docs/data.md, "Shortcuts").
/// </summary>
/// <param name="Name">Short name, e.g. <c>words</c>.</param>
/// <param name="Description">What the feature counts.</param>
/// <param name="Lexical">Whether the feature compares the candidate with the query (as BM25 does); such a feature is
/// expected near BM25, not at chance.</param>
/// <param name="Score">The feature's value for every candidate of a list, in candidate order.</param>
public sealed record ShortcutFeature(string Name, string Description, bool Lexical, Func<RankingQuery, float[]> Score)
{
    /// <summary>Ranks every list by the feature: highest first (<paramref name="highFirst"/>) or lowest first; ties keep the input order.</summary>
    public IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, bool highFirst)
    {
        ArgumentNullException.ThrowIfNull(queries);
        return queries.Select(q =>
        {
            var scores = Score(q);
            var order = highFirst
                ? Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i])
                : Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]);
            return new RankingResult(q, order.ToArray(), []);
        }).ToList();
    }
}
