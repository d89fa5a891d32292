namespace IRanker.Model;

/// <summary>
/// Metrics of one ranked list against its graded labels (0 = irrelevant .. 4).
/// </summary>
/// <remarks>
/// <para>Relevant = a candidate whose label is the highest of its list, provided that label is above 0 (with one positive per
/// list, as in Ranking-bench, this is the positive). A list without any label above 0 scores 0 on every metric.</para>
/// <para>MRR: 1 / (rank of the first relevant candidate), ranks from 1. Hit@k: 1 if a relevant candidate is in the first k.</para>
/// <para>NDCG@k follows ML.NET's ranking evaluator: gain of label l = <see cref="MlNetGains"/>[l] (0, 3, 7, 15, 31),
/// discount of rank r = 1 / ln(1 + r), DCG@k summed over the first k ranks, divided by the DCG@k of the ideal order
/// (0 when that is 0); k larger than the list keeps the whole list. The base of the logarithm cancels in the ratio, so
/// NDCG equals the log2 form; only the gains matter. trec_eval's <c>ndcg_cut</c> uses the label itself as gain (linear),
/// and the common "exponential" form 2^l − 1 gives 0, 1, 3, 7, 15; for binary labels all three agree.</para>
/// </remarks>
/// <example><code>double ndcg = ListMetrics.Ndcg(order: [2, 0, 1], labels: [0, 0, 1], k: 3); // 1 / log2(2) / 1 = 1</code></example>
public static class ListMetrics
{
    /// <summary>ML.NET's default label gains for labels 0..4.</summary>
    public static IReadOnlyList<double> MlNetGains { get; } = [0, 3, 7, 15, 31];

    /// <summary>The 1-based rank of the first relevant candidate, or null when the list has none.</summary>
    public static int? FirstRelevantRank(IReadOnlyList<int> order, IReadOnlyList<float> labels)
    {
        Check(order, labels);
        float best = labels.Count == 0 ? 0 : labels.Max();
        if (best <= 0) return null;
        for (int rank = 0; rank < order.Count; rank++)
            if (labels[order[rank]] == best) return rank + 1;
        return null;
    }

    /// <summary>Reciprocal rank of the first relevant candidate (0 without one).</summary>
    public static double ReciprocalRank(IReadOnlyList<int> order, IReadOnlyList<float> labels) =>
        FirstRelevantRank(order, labels) is int rank ? 1.0 / rank : 0;

    /// <summary>1 if a relevant candidate is among the first <paramref name="k"/>, else 0.</summary>
    public static double Hit(IReadOnlyList<int> order, IReadOnlyList<float> labels, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        return FirstRelevantRank(order, labels) is int rank && rank <= k ? 1 : 0;
    }

    /// <summary>NDCG@k with ML.NET's gains and natural-log discount, in [0, 1].</summary>
    public static double Ndcg(IReadOnlyList<int> order, IReadOnlyList<float> labels, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        Check(order, labels);
        var gains = labels.Select(Gain).ToArray();
        double dcg = Dcg(order.Select(i => gains[i]), k);
        double ideal = Dcg(gains.OrderDescending(), k);
        return ideal > 0 ? dcg / ideal : 0;
    }

    private static double Dcg(IEnumerable<double> gainsInRankOrder, int k) =>
        gainsInRankOrder.Take(k).Select((gain, i) => gain / Math.Log(2 + i)).Sum();

    private static double Gain(float label)
    {
        int level = (int)label;
        if (level != label || level < 0 || level >= MlNetGains.Count)
            throw new ArgumentOutOfRangeException(nameof(label), label, $"NDCG needs whole-number labels 0..{MlNetGains.Count - 1}, as ML.NET's ranking evaluator does.");
        return MlNetGains[level];
    }

    private static void Check(IReadOnlyList<int> order, IReadOnlyList<float> labels)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(labels);
        if (order.Count != labels.Count || order.Distinct().Count() != order.Count || order.Any(i => i < 0 || i >= labels.Count))
            throw new ArgumentException($"The order must be a permutation of 0..{labels.Count - 1} (one index per labelled candidate).", nameof(order));
    }
}
