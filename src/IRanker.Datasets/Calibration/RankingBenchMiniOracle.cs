using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// The calibration oracle of Ranking-bench-mini: ranks a list with what the generator's word groups and tables say,
/// never with the labels. It measures how learnable relevance is from the text; it is not a baseline a user has.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Passages (version 2): the query's topic is the topic of most of its words in <see cref="PassageWordGroups"/>;
/// a passage scores the share of its group words that belong to that topic, whichever word of a concept it uses.</item>
/// <item>Recommendation: a candidate scores how often its two genres (in brackets) occur in the history.</item>
/// <item>Routing: the request's type is read from its template; an LLM scores its utility for that type without the
/// noise, w · quality − (1 − w) · price / highest price, with the task's w.</item>
/// </list>
/// Ties keep the input order. The results carry no elimination steps.
/// </remarks>
/// <example>
/// <code>
/// var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Version = RankingBenchMiniVersion.V2, Tasks = ["Passage-5"] });
/// var results = new RankingBenchMiniOracle().Rank(data["Passage-5"].Test);
/// </code>
/// </example>
public sealed class RankingBenchMiniOracle : IListRanker
{
    /// <inheritdoc />
    public IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var results = new RankingResult[queries.Count];
        for (int q = 0; q < queries.Count; q++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scores = Score(queries[q]);
            results[q] = new RankingResult(queries[q], Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray(), []);
        }
        return results;
    }

    /// <summary>The oracle's score of every candidate of <paramref name="query"/>, in candidate order (higher = better).</summary>
    /// <exception cref="ArgumentException">The list is not one Ranking-bench-mini generates: an unknown scenario or routing
    /// task, a passage query with no word of the groups, a request of no known type, or an LLM not in the routing tables.</exception>
    public float[] Score(RankingQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return query.Scenario switch
        {
            RankingScenario.Passage => PassageScores(query),
            RankingScenario.Recommendation => RecommendationScores(query),
            RankingScenario.Routing => RoutingScores(query),
            _ => throw new ArgumentException(
                $"List '{query.QueryId}' has scenario {query.Scenario}; the oracle knows Ranking-bench-mini's Passage, Recommendation and Routing lists only.", nameof(query)),
        };
    }

    private static float[] PassageScores(RankingQuery query)
    {
        var topics = TopicsIn(query.Context);
        if (topics.Count == 0)
            throw new ArgumentException(
                $"Passage list '{query.QueryId}' has no query word of the version-2 word groups ('{query.Context}'); the oracle ranks Ranking-bench-mini version 2 passages only.", nameof(query));
        int topic = topics.GroupBy(t => t).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        return query.Candidates.Select(c =>
        {
            var grouped = TopicsIn(c.Text);
            return grouped.Count == 0 ? 0f : grouped.Count(t => t == topic) / (float)grouped.Count;
        }).ToArray();
    }

    private static float[] RecommendationScores(RankingQuery query)
    {
        var counts = query.Context.Split('\n').SelectMany(Genres).GroupBy(g => g, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return query.Candidates.Select(c => (float)Genres(c.Id).Sum(g => counts.GetValueOrDefault(g))).ToArray();
    }

    private static float[] RoutingScores(RankingQuery query)
    {
        var generator = RoutingGenerator.ForTask(query.Task ?? "")
            ?? throw new ArgumentException($"Routing list '{query.QueryId}' has task '{query.Task}'; the oracle knows Performance, Balance and Cost.", nameof(query));
        var type = RoutingQueries.TypeOf(query.Context)
            ?? throw new ArgumentException($"Routing list '{query.QueryId}': '{query.Context}' is not a request Ranking-bench-mini writes.", nameof(query));
        double w = generator.QualityWeight;
        return query.Candidates.Select(c =>
        {
            var llm = MiniLlm.All.FirstOrDefault(m => m.Name == c.Id)
                ?? throw new ArgumentException($"Routing list '{query.QueryId}': candidate '{c.Id}' is not one of Ranking-bench-mini's ten LLMs.", nameof(query));
            return (float)(w * llm.Quality[(int)type] - (1 - w) * llm.Cost);
        }).ToArray();
    }

    /// <summary>The genres of a title written <c>Name [A|B]</c>; none for any other text.</summary>
    private static string[] Genres(string title)
    {
        int open = title.LastIndexOf('[');
        return open < 0 || !title.EndsWith(']') ? [] : title[(open + 1)..^1].Split('|');
    }

    private static List<int> TopicsIn(string text) => PassageWordGroups.GroupWordsIn(text).Select(w => PassageWordGroups.TopicOf(w)!.Value).ToList();
}
