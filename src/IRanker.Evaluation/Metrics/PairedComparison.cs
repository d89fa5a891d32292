namespace IRanker.Evaluation.Metrics;

/// <summary>
/// Two rankers compared on the same lists: the per-list differences of a metric (first minus second), their mean and
/// standard error, and a two-sided paired sign-flip permutation test of "no difference".
/// </summary>
/// <remarks>
/// <para>Under the null hypothesis each list's difference is as likely to have either sign, so the test flips the signs
/// of the differences at random (<see cref="Permutations"/> times, with a fixed seed, so a comparison always gives the
/// same p-value) and counts how often the mean is at least as far from 0 as the observed one; the p-value is
/// (count + 1) / (permutations + 1). It assumes nothing about the distribution of the differences, which for MRR on a
/// few dozen short lists is far from normal.</para>
/// <para>Few lists cannot show a difference however large: with n lists the smallest attainable p-value is about
/// 2 / 2^n (3 lists: 0.25). Use it to say whether a gap in a benchmark table is more than the draw of the test lists.</para>
/// </remarks>
/// <example><code>
/// var c = PairedComparison.Of(trainedReciprocalRanks, randomReciprocalRanks);
/// Console.WriteLine($"{c.MeanDifference:F3} ± {c.StandardError:F3}, p = {c.PValue:F3}");
/// </code></example>
/// <param name="Lists">Number of paired lists.</param>
/// <param name="MeanDifference">Mean of first − second over the lists.</param>
/// <param name="StandardError">Standard deviation of the differences (n − 1 in the denominator) over √n; 0 for one list.</param>
/// <param name="Wins">Lists where the first scores higher.</param>
/// <param name="Losses">Lists where the second scores higher.</param>
/// <param name="PValue">Two-sided permutation p-value of "the two rankers score the same"; 1 when every difference is 0.</param>
public sealed record PairedComparison(int Lists, double MeanDifference, double StandardError, int Wins, int Losses, double PValue)
{
    /// <summary>Sign-flip permutations drawn by <see cref="Of"/>.</summary>
    public const int Permutations = 10_000;

    /// <summary>Lists where both score the same.</summary>
    public int Ties => Lists - Wins - Losses;

    /// <summary>Whether the first ranker is better beyond chance: a positive mean difference with <see cref="PValue"/> below <paramref name="alpha"/>.</summary>
    /// <param name="alpha">Significance level, in (0, 1).</param>
    public bool FirstIsBetter(double alpha = 0.05)
    {
        if (alpha is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "The significance level must lie strictly between 0 and 1, e.g. 0.05.");
        return MeanDifference > 0 && PValue < alpha;
    }

    /// <summary>Compares per-list values of one metric (e.g. reciprocal ranks) of two rankers on the same lists, in the same order.</summary>
    /// <param name="first">The first ranker's value on each list.</param>
    /// <param name="second">The second ranker's value on the same lists.</param>
    /// <exception cref="ArgumentException">The two have different lengths, are empty, or hold a value that is not a finite number.</exception>
    public static PairedComparison Of(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Count != second.Count)
            throw new ArgumentException($"A paired comparison needs one value per list from each ranker, in the same list order; got {first.Count} and {second.Count} values.", nameof(second));
        if (first.Count == 0) throw new ArgumentException("A paired comparison needs at least one list; both value lists are empty.", nameof(first));

        int n = first.Count, wins = 0, losses = 0;
        var d = new double[n];
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(first[i]) || !double.IsFinite(second[i]))
                throw new ArgumentException($"List {i} has a value that is not a finite number ({first[i]} and {second[i]}); compare finite metric values only.", nameof(first));
            d[i] = first[i] - second[i];
            if (d[i] > 0) wins++;
            else if (d[i] < 0) losses++;
        }

        double mean = d.Average();
        double se = n > 1 ? Math.Sqrt(d.Sum(x => (x - mean) * (x - mean)) / (n - 1) / n) : 0;
        return new PairedComparison(n, mean, se, wins, losses, wins + losses == 0 ? 1.0 : SignFlipPValue(d));
    }

    private static double SignFlipPValue(double[] d)
    {
        // Compare sums (the mean times n) with a small tolerance, so that permutations equal to the observed value in exact
        // arithmetic count as "at least as extreme" despite rounding.
        double observed = Math.Abs(d.Sum()), tolerance = 1e-9 * d.Sum(Math.Abs);
        var random = new Random(20250627);
        int extreme = 0;
        for (int p = 0; p < Permutations; p++)
        {
            double sum = 0;
            foreach (double x in d) sum += random.Next(2) == 0 ? x : -x;
            if (Math.Abs(sum) >= observed - tolerance) extreme++;
        }
        return (extreme + 1.0) / (Permutations + 1.0);
    }
}
