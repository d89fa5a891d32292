using IRanker.Model.Prompts;

namespace IRanker.Model.Training.Sampling;

/// <summary>
/// The paper's single-step training samples: for a query, a sub-list of random size 2..N (2..min(N, cap) with a cap on
/// the size) that always contains a best candidate (highest label), filled with random other candidates, in random
/// order (or in input order).
/// </summary>
/// <remarks>
/// The sample is a new query holding just the pool's candidates in the drawn order (IDs, texts and labels kept), so that
/// any prompt builder, including templates that list candidates in input order, shows them in random order.
/// </remarks>
internal static class SubListSampler
{
    /// <param name="query">The query to sample from.</param>
    /// <param name="random">The trainer's generator.</param>
    /// <param name="shuffle">Random order (the paper's samples); false keeps the candidates' input order.</param>
    /// <param name="layout">
    /// With <see cref="PromptLayout.AppendOnly"/>, the sample is a step part-way through the sub-list's elimination: a
    /// random number (0 to size − 2) of its worst candidates by label, worst first (ties in random order), are already
    /// eliminated, as the dialogue of the step's prompt shows them.
    /// </param>
    /// <param name="maxSize">The largest sub-list (<see cref="TrainingOptions.MaxSubListSize"/>); null: the whole list.</param>
    public static EliminationState Draw(RankingQuery query, TrainingRandom random, bool shuffle = true, PromptLayout layout = PromptLayout.Rebuilt, int? maxSize = null)
    {
        var subList = SubList(query, random, shuffle, maxSize);
        int size = subList.Candidates.Count;
        if (layout == PromptLayout.Rebuilt) return new EliminationState(subList, Enumerable.Range(0, size).ToArray());

        int gone = random.NextInt(size - 1);
        var eliminated = WorstFirst(subList, random).Take(gone).ToArray();
        return new EliminationState(subList, Enumerable.Range(0, size).Except(eliminated).ToArray(), Eliminated: eliminated);
    }

    /// <summary>
    /// A sub-list eliminated to the end: the state of every step, in order, each eliminating a worst remaining candidate
    /// by label (ties in random order), as a teacher would. The packed samples (<see cref="TrainingOptions.PackEliminations"/>).
    /// </summary>
    public static EliminationState[] DrawElimination(RankingQuery query, TrainingRandom random, bool shuffle = true, int? maxSize = null)
    {
        var subList = SubList(query, random, shuffle, maxSize);
        int size = subList.Candidates.Count;
        var order = WorstFirst(subList, random);
        return Enumerable.Range(0, size - 1)
            .Select(k => new EliminationState(subList, Enumerable.Range(0, size).Except(order.Take(k)).ToArray(), Eliminated: order.Take(k).ToArray())
            {
                Weight = 1.0 / (size - 1),
            })
            .ToArray();
    }

    /// <summary>The sub-list (2..N candidates, at most <paramref name="maxSize"/>, a best one among them) as a query of its own, in the order shown.</summary>
    private static RankingQuery SubList(RankingQuery query, TrainingRandom random, bool shuffle, int? maxSize)
    {
        int n = query.Candidates.Count;
        float best = query.Candidates.Max(c => c.Label!.Value);
        var positives = Enumerable.Range(0, n).Where(i => query.Candidates[i].Label!.Value == best).ToArray();
        int positive = positives[random.NextInt(positives.Length)];
        var others = Enumerable.Range(0, n).Where(i => i != positive).ToList();
        random.Shuffle(others);
        int size = random.NextInt(2, maxSize is { } cap ? Math.Min(n, cap) : n);
        var pool = new List<int>(size) { positive };
        pool.AddRange(others.Take(size - 1));
        if (shuffle) random.Shuffle(pool);
        else pool.Sort();
        return query with { Candidates = pool.Select(i => query.Candidates[i]).ToArray() };
    }

    /// <summary>The sub-list's candidates worst first by label, ties in random order.</summary>
    private static List<int> WorstFirst(RankingQuery subList, TrainingRandom random)
    {
        var order = Enumerable.Range(0, subList.Candidates.Count).ToList();
        random.Shuffle(order);
        return order.OrderBy(i => subList.Candidates[i].Label!.Value).ToList();   // a stable sort: ties stay shuffled
    }
}
