using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// Routing lists: a request and the ten LLMs of <see cref="MiniLlm.All"/> in random order, named by LLM name, with
/// their price and strengths as text.
/// </summary>
/// <remarks>
/// Each LLM's quality on the request is its quality for the request's type plus Gaussian noise (σ = <see cref="QualityNoise"/>).
/// The utility is w · quality − (1 − w) · cost (cost = price / highest price), with w = 1.0 (Performance), 0.5 (Balance)
/// or 0.2 (Cost). Labels by utility rank: 4 for the best, 3 for ranks 2-3, 2 for 4-5, 1 for 6-7, 0 for the rest.
/// </remarks>
internal sealed class RoutingGenerator : ITaskGenerator
{
    public const double QualityNoise = 0.04;

    private readonly double _qualityWeight;

    public RoutingGenerator(string task, double qualityWeight)
    {
        Task = task;
        _qualityWeight = qualityWeight;
    }

    public string Task { get; }

    public RankingScenario Scenario => RankingScenario.Routing;

    public static RoutingGenerator Performance { get; } = new("Performance", 1.0);

    public static RoutingGenerator Balance { get; } = new("Balance", 0.5);

    public static RoutingGenerator Cost { get; } = new("Cost", 0.2);

    /// <summary>The most requests drawn for one list before the request type counts as used up.</summary>
    private const int RequestAttempts = 2000;

    public RankingQuery Generate(Random random, string queryId, IReadOnlySet<string> usedContexts)
    {
        // The type is drawn once and a used request is redrawn within it, so that every split keeps the types
        // equally likely (redrawing the type would drift towards arithmetic, the type with the most requests).
        var type = (QueryType)random.Next(Enum.GetValues<QueryType>().Length);
        string request = RoutingQueries.Write(type, random);
        for (int attempt = 1; usedContexts.Contains(request); attempt++)
        {
            if (attempt == RequestAttempts)
                throw new InvalidOperationException(
                    $"Ranking-bench-mini has run out of new {type} requests for {Task} after {usedContexts.Count} lists; ask for fewer lists per task.");
            request = RoutingQueries.Write(type, random);
        }
        var llms = MiniLlm.All.ToArray();
        random.Shuffle(llms);

        var utility = llms
            .Select(m => _qualityWeight * (m.Quality[(int)type] + QualityNoise * random.Gaussian()) - (1 - _qualityWeight) * m.Cost)
            .ToArray();
        var byUtility = Enumerable.Range(0, llms.Length).OrderByDescending(i => utility[i]).ToArray();
        var labels = new float[llms.Length];
        for (int rank = 0; rank < byUtility.Length; rank++)
            labels[byUtility[rank]] = rank switch { 0 => 4, <= 2 => 3, <= 4 => 2, <= 6 => 1, _ => 0 };

        var candidates = llms.Select((m, i) => new RankingCandidate(m.Name, m.Description(), labels[i])).ToList();
        return new RankingQuery(request, candidates, Scenario, Task, queryId);
    }
}
