using IRanker.Model;

namespace IRanker.Datasets.Tests;

/// <summary>Mean reciprocal rank of the highest-label candidate, for the learnability checks.</summary>
internal static class Mrr
{
    public static double Of(IReadOnlyList<RankingResult> results) =>
        results.Average(r =>
        {
            var labels = r.Query.Candidates.Select(c => c.Label!.Value).ToList();
            int best = labels.IndexOf(labels.Max());
            return 1.0 / (r.Order.ToList().IndexOf(best) + 1);
        });

    /// <summary>Ranks by how often a candidate's genres (in [A|B]) occur in the history: the genre-overlap heuristic.</summary>
    public static IReadOnlyList<RankingResult> GenreOverlap(IReadOnlyList<RankingQuery> queries) =>
        queries.Select(q =>
        {
            var counts = q.Context.Split('\n').SelectMany(Genres).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
            var scores = q.Candidates.Select(c => Genres(c.Id).Sum(g => counts.GetValueOrDefault(g))).ToList();
            var order = Enumerable.Range(0, scores.Count).OrderByDescending(i => scores[i]).ToList();
            return new RankingResult(q, order, []);
        }).ToList();

    /// <summary>The genres of a title written <c>Name [A|B]</c>.</summary>
    public static string[] Genres(string title)
    {
        int open = title.LastIndexOf('[');
        return title[(open + 1)..^1].Split('|');
    }
}
