using IRanker.Evaluation.Metrics;
using IRanker.Model;

namespace IRanker.Benchmarks.Calibration;

/// <summary>One method's reciprocal rank of the best candidate on each list of one task and seed, and chance on the same lists.</summary>
internal sealed record MethodScores(double[] ReciprocalRanks, double[] Chance)
{
    public static MethodScores Of(IReadOnlyList<RankingResult> results) => new(
        results.Select(r => ListMetrics.ReciprocalRank(r.Order, r.Query.Candidates.Select(c => c.Label ?? 0f).ToArray())).ToArray(),
        results.Select(r => ChanceOf(r.Query.Candidates.Count)).ToArray());

    /// <summary>Ranks every list by descending score; ties keep the input order.</summary>
    public static MethodScores OfScores(IReadOnlyList<RankingQuery> lists, IReadOnlyList<float[]> scores) => Of(lists
        .Select((q, i) => new RankingResult(q, Enumerable.Range(0, q.Candidates.Count).OrderByDescending(c => scores[i][c]).ToArray(), []))
        .ToList());

    /// <summary>Expected reciprocal rank of one positive among n candidates in a random order: H(n) / n.</summary>
    public static double ChanceOf(int n) => Enumerable.Range(1, n).Sum(k => 1.0 / k) / n;

    public double Mrr => ReciprocalRanks.Average();

    public double StandardError
    {
        get
        {
            double mean = Mrr;
            int n = ReciprocalRanks.Length;
            return n < 2 ? 0 : Math.Sqrt(ReciprocalRanks.Sum(x => (x - mean) * (x - mean)) / (n - 1) / n);
        }
    }

    /// <summary>The paired comparison with chance on the same lists (sign-flip test of "no better and no worse than chance").</summary>
    public PairedComparison AgainstChance() => PairedComparison.Of(ReciprocalRanks, Chance);

    /// <summary>The lists of several seeds together.</summary>
    public static MethodScores Pool(IEnumerable<MethodScores> parts)
    {
        var list = parts.ToList();
        return new MethodScores(list.SelectMany(p => p.ReciprocalRanks).ToArray(), list.SelectMany(p => p.Chance).ToArray());
    }
}
