using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>Makes the lists of one Ranking-bench-mini task.</summary>
internal interface ITaskGenerator
{
    string Task { get; }

    RankingScenario Scenario { get; }

    /// <summary>
    /// One list with graded labels and exactly one candidate carrying the highest label, whose context is not in
    /// <paramref name="usedContexts"/> where the generator can help it (the caller rejects repeats either way).
    /// </summary>
    RankingQuery Generate(Random random, string queryId, IReadOnlySet<string> usedContexts);
}
