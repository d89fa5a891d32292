namespace IRanker.Model.Training.Sampling;

/// <summary>One elimination step to answer: a query and the candidates still in its pool, in the order shown.</summary>
/// <param name="Query">The query (labels on every candidate).</param>
/// <param name="Remaining">Indices into <c>Query.Candidates</c>, in the order the prompt lists them.</param>
/// <param name="Trajectory">The trajectory slot this state belongs to, or -1 for a single-step sample.</param>
/// <param name="Eliminated">The candidates eliminated before this step, in order; null for none.</param>
internal sealed record EliminationState(RankingQuery Query, IReadOnlyList<int> Remaining, int Trajectory = -1, IReadOnlyList<int>? Eliminated = null)
{
    /// <summary>
    /// The step's weight in the batch's loss: 1 for a single-step sample, 1/k for each of the k steps of a packed
    /// elimination, so that every list drawn weighs the same whatever its length (as with single steps).
    /// </summary>
    public double Weight { get; init; } = 1.0;

    /// <summary>The candidates eliminated before this step, in the order they went (what an append-only prompt shows as its dialogue).</summary>
    public IReadOnlyList<int> History => Eliminated ?? [];

    /// <summary>The remaining candidates whose label is the smallest in the pool: the correct eliminations.</summary>
    public IReadOnlyList<int> Worst()
    {
        float min = Remaining.Min(i => Query.Candidates[i].Label!.Value);
        return Remaining.Where(i => Query.Candidates[i].Label!.Value == min).ToArray();
    }
}
