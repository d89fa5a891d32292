namespace IRanker.Model;

/// <summary>The ranking of one query.</summary>
/// <param name="Query">The query that was ranked.</param>
/// <param name="Order">Candidate indices, best first (the survivor first, the first eliminated last).</param>
/// <param name="Steps">Every elimination step, in the order they happened.</param>
public sealed record RankingResult(RankingQuery Query, IReadOnlyList<int> Order, IReadOnlyList<EliminationStep> Steps)
{
    /// <summary>
    /// A score per candidate, in input order, higher = better: <c>N - rank</c> (the survivor gets N, the first eliminated 1),
    /// so that sorting by score descending gives <see cref="Order"/>.
    /// </summary>
    public float[] Scores()
    {
        var scores = new float[Order.Count];
        for (int rank = 0; rank < Order.Count; rank++) scores[Order[rank]] = Order.Count - rank;
        return scores;
    }

    /// <summary>
    /// Per candidate, in input order: the model's probability that it is the best of the list, derived from the
    /// elimination probabilities. Each model step with a distribution p over its pool (Choice mode) keeps candidate c
    /// with probability 1 − p(c); a candidate's raw relevance is the product of its keep probabilities over the steps
    /// it was in the pool. A step without a distribution (Answer, Reasoning) keeps the others for certain and drops the
    /// one it eliminated. The raw values are made non-increasing along <see cref="Order"/> (so they never contradict
    /// <see cref="Scores"/>) and normalised to sum to 1.
    /// </summary>
    public float[] Relevance()
    {
        int n = Order.Count;
        var relevance = new double[Query.Candidates.Count];
        if (n == 0) return [];
        var raw = Enumerable.Repeat(1.0, Query.Candidates.Count).ToArray();
        var pool = new List<int>(Order.Order());
        foreach (var step in Steps)
        {
            if (step.Match == AnswerMatch.LastRemaining) break;
            var distribution = step.Pool ?? pool;
            if (step.LogProbs is { } logProbs && logProbs.Count == distribution.Count)
                for (int i = 0; i < distribution.Count; i++) raw[distribution[i]] *= 1 - Math.Exp(logProbs[i]);
            else if (step.LogProbs is null && step.Match != AnswerMatch.Choice)
                raw[step.Eliminated] = 0;
            pool.Remove(step.Eliminated);
        }
        double ceiling = double.PositiveInfinity, total = 0;
        foreach (int c in Order)
        {
            ceiling = Math.Min(ceiling, raw[c]);
            relevance[c] = ceiling;
            total += ceiling;
        }
        if (!(total > 0))
        {
            Array.Clear(relevance);
            relevance[Order[0]] = 1;
            total = 1;
        }
        return relevance.Select(r => (float)(r / total)).ToArray();
    }

    /// <summary>The number of steps whose answer needed more than an exact match.</summary>
    public int RepairedAnswers => Steps.Count(s => s.Match is AnswerMatch.Normalized or AnswerMatch.Fuzzy or AnswerMatch.Nearest);
}
