using IRanker.Model.Ranking;

namespace IRanker.MLNet.Datasets;

/// <summary>Makes the lists of one Ranking-bench-mini task.</summary>
internal interface ITaskGenerator
{
    string Task { get; }

    RankingScenario Scenario { get; }

    /// <summary>One list with graded labels and exactly one candidate carrying the highest label.</summary>
    RankingQuery Generate(Random random, string queryId);
}
