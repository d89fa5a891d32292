using IRanker.Model;

namespace IRanker.Evaluation.Metrics;

/// <summary>MRR, Hit@k and NDCG@k averaged over ranked lists; the definitions are those of <see cref="ListMetrics"/>.</summary>
/// <example>
/// <code>
/// IReadOnlyList&lt;RankingResult&gt; results = ranker.Rank(queries);
/// RankingMetricsSummary summary = RankingMetrics.Compute(results, ks: [1, 5, 10]);
/// </code>
/// </example>
public static class RankingMetrics
{
    /// <summary>Averages the metrics of every result; every candidate of every query must have a label.</summary>
    /// <param name="results">Ranked lists with labelled queries.</param>
    /// <param name="ks">The cut-offs for Hit@k and NDCG@k (each at least 1).</param>
    public static RankingMetricsSummary Compute(IEnumerable<RankingResult> results, IReadOnlyList<int> ks)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(ks);
        if (ks.Any(k => k < 1)) throw new ArgumentOutOfRangeException(nameof(ks), "Every cut-off k must be at least 1.");
        var cutoffs = ks.Distinct().Order().ToArray();

        int lists = 0, withoutRelevant = 0;
        double mrr = 0;
        var hits = cutoffs.ToDictionary(k => k, _ => 0.0);
        var ndcgs = cutoffs.ToDictionary(k => k, _ => 0.0);
        foreach (var result in results)
        {
            if (!result.Query.HasLabels)
                throw new ArgumentException($"Query '{result.Query.QueryId}' has candidates without a label; metrics need every label.", nameof(results));
            var labels = result.Query.Candidates.Select(c => c.Label!.Value).ToArray();
            lists++;
            if (ListMetrics.FirstRelevantRank(result.Order, labels) is null) withoutRelevant++;
            mrr += ListMetrics.ReciprocalRank(result.Order, labels);
            foreach (int k in cutoffs)
            {
                hits[k] += ListMetrics.Hit(result.Order, labels, k);
                ndcgs[k] += ListMetrics.Ndcg(result.Order, labels, k);
            }
        }

        double Mean(double sum) => lists == 0 ? 0 : sum / lists;
        return new RankingMetricsSummary(lists, withoutRelevant, Mean(mrr),
            hits.ToDictionary(kv => kv.Key, kv => Mean(kv.Value)),
            ndcgs.ToDictionary(kv => kv.Key, kv => Mean(kv.Value)));
    }
}
