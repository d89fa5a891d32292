using IRanker.Model.Prompts;
using IRanker.Model.Step;

namespace IRanker.Model.Elimination.LongLists;

/// <summary>
/// Splits the candidates of a list too long for one prompt into windows that each fit the model's positions and the
/// token budget, and decides how many of each window survive the round (see <see cref="LongListTournament"/>).
/// </summary>
/// <remarks>
/// The split is by count, into the fewest contiguous windows of near-equal size (in input order) whose real prompts all
/// fit: a first guess from each candidate's token cost (measured once, from its prompt alone), then checked against the
/// real prompt of every window, with one more window until all fit. Each window keeps half of its candidates (rounded
/// up); where that is close to what one prompt holds, each window keeps its share of one prompt instead, so the next
/// round is the last and compares as many candidates side by side as one prompt can hold.
/// </remarks>
internal sealed class WindowPlanner(ModelStep step, PromptLimit limit, DecodingMode mode, int generatedTokens)
{
    private readonly Dictionary<RankingQuery, Dictionary<int, PromptPass>> alone = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<RankingQuery, int> basePrompts = new(ReferenceEqualityComparer.Instance);

    /// <summary>The limit every window fits.</summary>
    public PromptLimit Limit => limit;

    /// <summary>
    /// The largest forward pass of a prompt that shows <paramref name="pool"/>: its first step's, and in the append-only
    /// layout, whose prompt grows by an answer and a turn per elimination, that prompt grown by the most it can grow.
    /// </summary>
    public PromptPass Pass(RankingQuery query, IReadOnlyList<int> pool) => Pass(query, pool, out _);

    /// <summary>As <see cref="Pass(RankingQuery, IReadOnlyList{int})"/>; <paramref name="firstPrompt"/> is the first step's prompt it measured.</summary>
    public PromptPass Pass(RankingQuery query, IReadOnlyList<int> pool, out int[] firstPrompt)
    {
        firstPrompt = step.Prompt(query, pool, mode);
        int prompt = firstPrompt.Length;
        var branches = mode == DecodingMode.Choice ? step.Row(query, pool, mode, [0]).Branches : [];
        if (step.Layout == PromptLayout.AppendOnly && pool.Count > 1)
            prompt += (pool.Count - 1) * (pool.Max(c => step.Continuation(query, c).Length) + step.Prompts.NextTurn(query, mode).Length);
        return PromptPass.Of(prompt, branches, generatedTokens);
    }

    /// <summary>The forward pass of a prompt that shows only <paramref name="candidate"/> (computed once per query and candidate).</summary>
    public PromptPass Alone(RankingQuery query, int candidate)
    {
        if (!alone.TryGetValue(query, out var ofQuery)) alone[query] = ofQuery = [];
        if (!ofQuery.TryGetValue(candidate, out var pass)) ofQuery[candidate] = pass = Pass(query, [candidate]);
        return pass;
    }

    /// <summary>Whether one prompt can show all of <paramref name="pool"/>; <paramref name="firstPrompt"/> is that prompt's first step.</summary>
    public bool Fits(RankingQuery query, IReadOnlyList<int> pool, out int[] firstPrompt) => limit.Admits(Pass(query, pool, out firstPrompt));

    /// <summary>
    /// The windows of one round over <paramref name="pool"/> (which does not fit one prompt), or null when not even two
    /// candidates fit side by side (<paramref name="pair"/> is then the smallest pair that was tried).
    /// </summary>
    public IReadOnlyList<RankingWindow>? Split(RankingQuery query, IReadOnlyList<int> pool, out PromptPass pair)
    {
        pair = default;
        int most = Math.Max(1, pool.Count / 2);                 // windows of two candidates at the least
        int count = Math.Clamp(GreedyWindowCount(query, pool), Math.Min(2, most), most);
        while (true)
        {
            var windows = EvenSplit(pool, count);
            var firstPrompts = new int[windows.Length][];
            var passes = windows.Select((w, i) => Pass(query, w, out firstPrompts[i])).ToArray();
            if (passes.All(limit.Admits)) return WithKeeps(windows, passes, firstPrompts, pool.Count);
            if (count >= most)
            {
                pair = passes.Where(p => !limit.Admits(p)).MinBy(p => p.Tokens);
                return null;
            }
            // One more window per two that did not fit (at least one), so a poor first guess costs few retries.
            count = Math.Min(most, count + Math.Max(1, passes.Count(p => !limit.Admits(p)) / 2));
        }
    }

    /// <summary>
    /// How many of each window survive: half (rounded up), or, where that is close to what one prompt holds (at most a
    /// quarter more), each window's share of one prompt, so that the next round is the last.
    /// </summary>
    private static IReadOnlyList<RankingWindow> WithKeeps(IReadOnlyList<int[]> windows, PromptPass[] passes, int[][] firstPrompts, int total)
    {
        int capacity = windows.Max(w => w.Length);
        int halves = windows.Sum(w => (w.Length + 1) / 2);
        int target = halves <= capacity + capacity / 4 ? capacity : halves;
        var result = new RankingWindow[windows.Count];
        for (int i = 0; i < windows.Count; i++)
        {
            int size = windows[i].Length;
            int keep = target == halves ? (size + 1) / 2 : (int)Math.Round((double)size * target / total);
            result[i] = new RankingWindow(windows[i], Math.Clamp(keep, 1, size - 1), passes[i], firstPrompts[i]);
        }
        return result;
    }

    private static int[][] EvenSplit(IReadOnlyList<int> pool, int count)
    {
        var windows = new int[count][];
        int start = 0;
        for (int i = 0; i < count; i++)
        {
            int size = pool.Count / count + (i < pool.Count % count ? 1 : 0);
            windows[i] = pool.Skip(start).Take(size).ToArray();
            start += size;
        }
        return windows;
    }

    /// <summary>How many windows a greedy packing in input order needs, from each candidate's estimated cost.</summary>
    private int GreedyWindowCount(RankingQuery query, IReadOnlyList<int> pool)
    {
        int basePrompt = BasePrompt(query, pool);
        int windows = 1, prompt = basePrompt, branches = 0, longest = 0;
        foreach (int candidate in pool)
        {
            var (p, b) = Cost(query, candidate, basePrompt);
            var grown = new PromptPass(prompt + p, prompt + p + Math.Max(longest, b) + generatedTokens, prompt + p + branches + b + generatedTokens);
            if (prompt > basePrompt && !limit.Admits(grown))
            {
                windows++;
                (prompt, branches, longest) = (basePrompt, 0, 0);
            }
            prompt += p;
            branches += b;
            longest = Math.Max(longest, b);
        }
        return windows;
    }

    /// <summary>The tokens of a prompt without its candidates, from two candidates alone and together.</summary>
    private int BasePrompt(RankingQuery query, IReadOnlyList<int> pool)
    {
        if (!basePrompts.TryGetValue(query, out int tokens))
        {
            int a = step.Prompt(query, [pool[0]], mode).Length, b = step.Prompt(query, [pool[1]], mode).Length;
            basePrompts[query] = tokens = Math.Max(0, a + b - step.Prompt(query, [pool[0], pool[1]], mode).Length);
        }
        return tokens;
    }

    /// <summary>The tokens a candidate adds to a prompt, and its continuation's length (Choice mode).</summary>
    private (int Prompt, int Branch) Cost(RankingQuery query, int candidate, int basePrompt)
    {
        var single = Alone(query, candidate);
        return (Math.Max(1, single.PromptTokens - basePrompt), single.Tokens - single.PromptTokens - generatedTokens);
    }
}
