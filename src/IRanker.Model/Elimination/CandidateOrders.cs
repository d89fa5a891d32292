namespace IRanker.Model.Elimination;

/// <summary>
/// The orders in which one elimination step shows its pool of candidates when <see cref="RankerOptions.OrderSamples"/>
/// is above 1: permutations of the pool's positions, the pool's own order (the identity) first.
/// </summary>
/// <remarks>
/// With <c>k</c> ≥ n! every order of the n candidates is used exactly once, so the combined distribution does not
/// depend on the order the candidates came in. Otherwise the identity and k − 1 other distinct orders drawn from a
/// generator seeded by <see cref="RankerOptions.Seed"/> and the pool size alone: the same pool size gets the same
/// orders in every list, whatever else is ranked in the same call.
/// </remarks>
internal static class CandidateOrders
{
    /// <summary>Above this many orders of a pool, the sampled orders are drawn one by one instead of from the full list.</summary>
    private const int EnumerationLimit = 5040;

    /// <summary>How many orders a step over <paramref name="poolSize"/> candidates uses: min(<paramref name="samples"/>, poolSize!).</summary>
    public static int Count(int poolSize, int samples)
    {
        long factorial = 1;
        for (int i = 2; i <= poolSize && factorial < samples; i++) factorial *= i;
        return (int)Math.Min(samples, factorial);
    }

    /// <summary>
    /// The orders for a pool of <paramref name="poolSize"/> candidates: each an array of positions into the pool (order
    /// j shows the pool's candidate <c>order[j]</c> at place j), the identity first, all distinct.
    /// </summary>
    /// <param name="poolSize">Candidates in the pool (at least 1).</param>
    /// <param name="samples">The orders asked for (<see cref="RankerOptions.OrderSamples"/>, at least 1).</param>
    /// <param name="seed">The ranker's seed.</param>
    public static int[][] For(int poolSize, int samples, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(poolSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        int count = Count(poolSize, samples);
        var identity = Enumerable.Range(0, poolSize).ToArray();
        if (count == 1) return [identity];

        long all = Factorial(poolSize, EnumerationLimit + 1);
        if (count == all) return [.. AllOrders(poolSize)];

        var random = new Random(unchecked((int)(seed * 1_000_003 + poolSize)));
        var orders = new List<int[]>(count) { identity };
        if (all <= EnumerationLimit)
        {
            // A partial Fisher-Yates shuffle of the other orders.
            var others = AllOrders(poolSize).Skip(1).ToArray();
            for (int i = 0; i < count - 1; i++)
            {
                int j = random.Next(i, others.Length);
                (others[i], others[j]) = (others[j], others[i]);
                orders.Add(others[i]);
            }
            return [.. orders];
        }

        var seen = new HashSet<string> { string.Join(',', identity) };
        while (orders.Count < count)
        {
            var order = (int[])identity.Clone();
            random.Shuffle(order);
            if (seen.Add(string.Join(',', order))) orders.Add(order);
        }
        return [.. orders];
    }

    /// <summary>n!, or <paramref name="cap"/> when it is larger.</summary>
    private static long Factorial(int n, long cap)
    {
        long factorial = 1;
        for (int i = 2; i <= n && factorial < cap; i++) factorial *= i;
        return Math.Min(factorial, cap);
    }

    /// <summary>Every order of 0..n−1 in lexicographic order (the identity first).</summary>
    private static IEnumerable<int[]> AllOrders(int n)
    {
        var order = Enumerable.Range(0, n).ToArray();
        while (true)
        {
            yield return (int[])order.Clone();
            int i = n - 2;
            while (i >= 0 && order[i] > order[i + 1]) i--;
            if (i < 0) yield break;
            int j = n - 1;
            while (order[j] < order[i]) j--;
            (order[i], order[j]) = (order[j], order[i]);
            Array.Reverse(order, i + 1, n - i - 1);
        }
    }
}
