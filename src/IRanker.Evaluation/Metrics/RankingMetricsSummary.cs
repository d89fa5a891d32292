namespace IRanker.Evaluation.Metrics;

/// <summary>Means over the ranked lists of an evaluation (each in [0, 1]; multiply by 100 for the paper's tables).</summary>
/// <param name="Lists">Lists evaluated.</param>
/// <param name="ListsWithoutRelevant">Lists with no label above 0 (they count as 0 in every mean).</param>
/// <param name="Mrr">Mean reciprocal rank of the first relevant candidate.</param>
/// <param name="HitAt">Mean Hit@k, by k.</param>
/// <param name="NdcgAt">Mean NDCG@k (ML.NET's gains and discount), by k.</param>
/// <example><code>Console.WriteLine($"MRR {summary.Mrr * 100:F2}, NDCG@5 {summary.NdcgAt[5]:F4}");</code></example>
public sealed record RankingMetricsSummary(
    int Lists,
    int ListsWithoutRelevant,
    double Mrr,
    IReadOnlyDictionary<int, double> HitAt,
    IReadOnlyDictionary<int, double> NdcgAt);
