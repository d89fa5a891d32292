using IRanker.Model.Step;

namespace IRanker.Model.Elimination;

/// <summary>
/// Where one list (or one window of a long list) stands during iterative ranking: the pool, the steps so far and its
/// prompt cache.
/// </summary>
/// <param name="query">The query being ranked.</param>
/// <param name="pool">The candidates in play (indices into the query's candidates, in the order to show them); null = all of them.</param>
/// <param name="keep">How many candidates the elimination stops at: 1 for a whole list, more for a window of a long list.</param>
internal sealed class ListState(RankingQuery query, IReadOnlyList<int>? pool = null, int keep = 1) : IDisposable
{
    /// <summary>The query being ranked.</summary>
    public RankingQuery Query { get; } = query;

    /// <summary>Indices of the candidates still in the pool, in the order to show them.</summary>
    public List<int> Remaining { get; } = pool?.ToList() ?? Enumerable.Range(0, query.Candidates.Count).ToList();

    /// <summary>How many candidates the pool had when this state began.</summary>
    public int InitialCount { get; } = pool?.Count ?? query.Candidates.Count;

    /// <summary>How many candidates survive: the elimination stops when this many remain.</summary>
    public int Keep { get; } = keep;

    /// <summary>
    /// Whether each step records the candidates of its distribution (<see cref="EliminationStep.Pool"/>): for windows,
    /// whose pools are not "every candidate not yet eliminated".
    /// </summary>
    public bool RecordsPools { get; } = pool is not null;

    /// <summary>The steps so far, in order.</summary>
    public List<EliminationStep> Steps { get; } = [];

    /// <summary>The candidates this state has eliminated, in order (the dialogue of an append-only prompt).</summary>
    public IReadOnlyList<int> History => Steps.Select(s => s.Eliminated).ToArray();

    /// <summary>
    /// The tokens of the first step's prompt (every candidate of the pool), kept so that no step tokenises it again: the
    /// fit check or the window plan measured it, or the first step built it. The append-only layout's later prompts
    /// extend it.
    /// </summary>
    public int[]? FirstPrompt { get; set; }

    /// <summary>The cache of the last step's prompt (when prefix reuse is on).</summary>
    public PrefixCache? Cache { get; private set; }

    /// <summary>Whether the list needs another model call.</summary>
    public bool NeedsModel => Remaining.Count > Math.Max(1, Keep);

    /// <summary>How many the next step may eliminate at most: down to <see cref="Keep"/>.</summary>
    public int Eliminable => Remaining.Count - Math.Max(1, Keep);

    /// <summary>Records an elimination and takes the candidate out of the pool.</summary>
    /// <param name="candidate">The candidate eliminated.</param>
    /// <param name="output">What the model wrote (empty in Choice mode).</param>
    /// <param name="match">How the decision was made.</param>
    /// <param name="confidence">The probability of the eliminated candidate, where known.</param>
    /// <param name="logProbs">The step's distribution over <paramref name="distributionPool"/>, recorded on the first elimination of a step.</param>
    /// <param name="distributionPool">The candidates of <paramref name="logProbs"/>, in its order.</param>
    public void Eliminate(int candidate, string output, AnswerMatch match, float? confidence, IReadOnlyList<float>? logProbs = null,
        IReadOnlyList<int>? distributionPool = null)
    {
        if (!Remaining.Remove(candidate))
            throw new InvalidOperationException($"Candidate {candidate} of query '{Query.QueryId}' is not in the pool.");
        var recordedPool = RecordsPools && logProbs is not null ? distributionPool : null;
        Steps.Add(new EliminationStep(Steps.Count, candidate, output, match, confidence, logProbs, recordedPool));
    }

    /// <summary>Records the survivor (no model call) when the list is ranked to its end, and frees the cache.</summary>
    public void Finish()
    {
        if (Remaining.Count == 1 && Keep <= 1) Eliminate(Remaining[0], "", AnswerMatch.LastRemaining, null);
        ReplaceCache(null);
    }

    /// <summary>Replaces the prompt cache, freeing the old one.</summary>
    public void ReplaceCache(PrefixCache? cache)
    {
        if (ReferenceEquals(cache, Cache)) return;
        Cache?.Dispose();
        Cache = cache;
    }

    /// <summary>The result: reverse elimination order, the survivor first.</summary>
    public RankingResult ToResult()
    {
        var order = Steps.Select(s => s.Eliminated).Reverse().ToArray();
        return new RankingResult(Query, order, Steps.ToArray());
    }

    /// <inheritdoc/>
    public void Dispose() => ReplaceCache(null);
}
