namespace IRanker.Model.Training;

/// <summary>
/// How the candidate IDs of one pool are scored. When every ID is a shared token prefix plus one distinct last token
/// (<c>P1</c>, <c>P2</c>, … or <c>passage 1</c>, <c>passage 2</c>, …), one forward pass over prompt + prefix gives them
/// all: the prefix's probability is the same for every candidate and cancels in the softmax over candidates. Otherwise
/// the IDs are scored as branches after one copy of the prompt (<see cref="BranchScorer"/>). Either way a pool is one row.
/// </summary>
/// <param name="SharedPrefix">The tokens common to every ID, or null when the fast form does not apply.</param>
/// <param name="LastTokens">Per remaining candidate, its distinct last token (fast form only).</param>
/// <param name="Sequences">Per remaining candidate, its whole ID token sequence.</param>
internal sealed record ChoiceLayout(int[]? SharedPrefix, long[] LastTokens, int[][] Sequences)
{
    public bool IsSingleRow => SharedPrefix is not null;

    public static ChoiceLayout Of(IReadOnlyList<int[]> sequences)
    {
        var all = sequences.ToArray();
        int prefix = all[0].Length - 1;
        bool fast = all.All(s => s.Length == prefix + 1);
        for (int i = 0; fast && i < prefix; i++)
            if (all.Any(s => s[i] != all[0][i])) fast = false;
        if (fast && all.Select(s => s[^1]).Distinct().Count() != all.Length) fast = false;
        return fast
            ? new ChoiceLayout(all[0][..prefix], all.Select(s => (long)s[^1]).ToArray(), all)
            : new ChoiceLayout(null, [], all);
    }
}
