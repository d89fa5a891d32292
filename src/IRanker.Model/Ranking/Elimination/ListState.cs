namespace IRanker.Model.Ranking.Elimination;

/// <summary>Where one list stands during iterative ranking: the pool, the steps so far and its prompt cache.</summary>
internal sealed class ListState(RankingQuery query) : IDisposable
{
    /// <summary>The query being ranked.</summary>
    public RankingQuery Query { get; } = query;

    /// <summary>Indices of the candidates still in the pool, in input order.</summary>
    public List<int> Remaining { get; } = Enumerable.Range(0, query.Candidates.Count).ToList();

    /// <summary>The steps so far, in order.</summary>
    public List<EliminationStep> Steps { get; } = [];

    /// <summary>The cache of the last step's prompt (when prefix reuse is on).</summary>
    public PrefixCache? Cache { get; private set; }

    /// <summary>Whether the list needs another model call.</summary>
    public bool NeedsModel => Remaining.Count > 1;

    /// <summary>Records an elimination and takes the candidate out of the pool.</summary>
    public void Eliminate(int candidate, string output, AnswerMatch match, float? confidence, IReadOnlyList<float>? logProbs = null)
    {
        if (!Remaining.Remove(candidate))
            throw new InvalidOperationException($"Candidate {candidate} of query '{Query.QueryId}' is not in the pool.");
        Steps.Add(new EliminationStep(Steps.Count, candidate, output, match, confidence, logProbs));
    }

    /// <summary>Records the survivor (no model call) and frees the cache.</summary>
    public void Finish()
    {
        if (Remaining.Count == 1) Eliminate(Remaining[0], "", AnswerMatch.LastRemaining, null);
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
