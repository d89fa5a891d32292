using IRanker.Model.Prompts;

namespace IRanker.Model.Training.Sampling;

/// <summary>
/// The paper's single-step training samples: for a query, a sub-list of random size 2..N that always contains a
/// best candidate (highest label), filled with random other candidates, in random order (or in input order).
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
    public static EliminationState Draw(RankingQuery query, TrainingRandom random, bool shuffle = true, PromptLayout layout = PromptLayout.Rebuilt)
    {
        int n = query.Candidates.Count;
        float best = query.Candidates.Max(c => c.Label!.Value);
        var positives = Enumerable.Range(0, n).Where(i => query.Candidates[i].Label!.Value == best).ToArray();
        int positive = positives[random.NextInt(positives.Length)];
        var others = Enumerable.Range(0, n).Where(i => i != positive).ToList();
        random.Shuffle(others);
        int size = random.NextInt(2, n);
        var pool = new List<int>(size) { positive };
        pool.AddRange(others.Take(size - 1));
        if (shuffle) random.Shuffle(pool);
        else pool.Sort();
        var subList = query with { Candidates = pool.Select(i => query.Candidates[i]).ToArray() };
        if (layout == PromptLayout.Rebuilt) return new EliminationState(subList, Enumerable.Range(0, size).ToArray());

        int gone = random.NextInt(size - 1);
        var worstFirst = Enumerable.Range(0, size).ToList();
        random.Shuffle(worstFirst);
        var eliminated = worstFirst.OrderBy(i => subList.Candidates[i].Label!.Value).Take(gone).ToArray();   // a stable sort: ties stay shuffled
        return new EliminationState(subList, Enumerable.Range(0, size).Except(eliminated).ToArray(), Eliminated: eliminated);
    }
}
