using IRanker.Model;

namespace IRanker.Benchmarks.Mini;

/// <summary>
/// A curriculum of short lists: each training list cut to its best candidate and others drawn at random, so that a
/// prompt compares few candidates and carries the most signal per token. Measured by the <c>curriculum</c> benchmark:
/// pairs, then one candidate more per stage, broke the passage plateau that sub-lists of every length kept
/// (docs/iranker-mini.md).
/// </summary>
internal static class ShortLists
{
    /// <summary>
    /// Each list of <paramref name="lists"/> longer than <paramref name="size"/> cut to its best candidate (the first of
    /// the highest label) and <paramref name="size"/> - 1 others drawn at random, kept in the list's order with their
    /// IDs; shorter lists unchanged.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 2.</exception>
    /// <exception cref="ArgumentException">A list to cut has a candidate without a label.</exception>
    public static List<RankingQuery> Cut(IReadOnlyList<RankingQuery> lists, int size, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 2);
        var random = new Random(seed);
        var cut = new List<RankingQuery>(lists.Count);
        foreach (var query in lists)
        {
            int count = query.Candidates.Count;
            if (count <= size) { cut.Add(query); continue; }
            if (!query.HasLabels)
                throw new ArgumentException($"List '{query.QueryId ?? query.Context}' has a candidate without a label: a list is cut around its best candidate, so every candidate needs one.", nameof(lists));
            int best = 0;
            for (int i = 1; i < count; i++)
                if (query.Candidates[i].Label!.Value > query.Candidates[best].Label!.Value) best = i;
            var others = Enumerable.Range(0, count).Where(i => i != best).ToArray();
            random.Shuffle(others);
            var kept = others.Take(size - 1).Append(best).Order().Select(i => query.Candidates[i]).ToList();
            cut.Add(query with { Candidates = kept });
        }
        return cut;
    }
}
