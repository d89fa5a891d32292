namespace IRanker.Model.Training.Sampling;

/// <summary>
/// On-policy multi-step trajectories: a fixed number of slots, each walking one query from its full list down to one
/// candidate, removing whatever the policy eliminated; a finished slot starts the next query.
/// </summary>
internal sealed class TrajectoryPool(int slots)
{
    /// <summary>Per slot: the query index and the remaining candidates (null = start a new query).</summary>
    public (int Query, int[] Remaining)?[] Slots { get; set; } = new (int, int[])?[slots];

    /// <summary>Per slot: the candidates eliminated so far, in order (what an append-only prompt shows).</summary>
    public int[][] Eliminated { get; set; } = Enumerable.Range(0, slots).Select(_ => Array.Empty<int>()).ToArray();

    public EliminationState Current(int slot, IReadOnlyList<RankingQuery> queries, QueryStream stream, TrainingRandom random, bool shuffle = true)
    {
        if (Slots[slot] is not { } s)
        {
            int q = stream.Next(random);
            var order = Enumerable.Range(0, queries[q].Candidates.Count).ToArray();
            if (shuffle) random.Shuffle(order);
            s = (q, order);
            Slots[slot] = s;
            Eliminated[slot] = [];
        }
        return new EliminationState(queries[s.Query], s.Remaining, slot, Eliminated[slot]);
    }

    /// <summary>Removes <paramref name="eliminated"/> (or, when the answer named nobody, a random candidate) from the slot.</summary>
    public void Advance(int slot, int? eliminated, TrainingRandom random)
    {
        var (q, remaining) = Slots[slot]!.Value;
        int drop = eliminated is { } e && remaining.Contains(e) ? e : remaining[random.NextInt(remaining.Length)];
        var next = remaining.Where(i => i != drop).ToArray();
        Slots[slot] = next.Length >= 2 ? (q, next) : null;
        Eliminated[slot] = next.Length >= 2 ? [.. Eliminated[slot], drop] : [];
    }
}
