using IRanker.Model.Elimination;
using IRanker.Model.Elimination.LongLists;

namespace IRanker.Model.Prompts;

/// <summary>
/// The bound on every forward pass at inference: a list's prompt, with what the pass adds to it (the candidate-ID
/// continuations in Choice mode, the tokens to generate otherwise), must fit within the model's
/// <c>max_position_embeddings</c> (positions it was trained with) and within <see cref="RankerOptions.TokenBudget"/>
/// (tokens of one forward pass; a list over the budget used to run alone, with memory growing with the square of its length).
/// </summary>
/// <remarks>
/// <see cref="Assess"/> is the one decision; the rankers call <see cref="EnsureFits"/>, which turns every outcome but
/// <see cref="PromptFitKind.Fits"/> into a <see cref="PromptTooLongException"/>. <see cref="IterativeRanker"/> ranks a list
/// too long for one prompt in windows (<see cref="LongListTournament"/>) and calls only
/// <see cref="EnsureFitsAlone"/> for it; <see cref="DirectRanker"/>, which writes the whole permutation at once, cannot.
/// A step's prompt only shrinks as candidates are eliminated, so checking the first step bounds every later one.
/// </remarks>
internal sealed class PromptLengthGuard(PromptLimit limit)
{
    /// <summary>The limit in force.</summary>
    public PromptLimit Limit => limit;

    /// <summary>Whether the list fits; if not, whether one candidate is too long alone (the first such, in input order).</summary>
    /// <param name="whole">The pass of the list's prompt as it stands.</param>
    /// <param name="candidates">How many candidates the prompt holds.</param>
    /// <param name="alone">The pass of the prompt that holds only candidate <c>i</c> (the i-th of those in the prompt); called only when the whole does not fit.</param>
    public PromptFit Assess(PromptPass whole, int candidates, Func<int, PromptPass> alone)
    {
        if (limit.Admits(whole)) return new PromptFit(PromptFitKind.Fits, limit, whole);
        for (int i = 0; i < candidates; i++)
        {
            var single = alone(i);
            if (!limit.Admits(single)) return new PromptFit(PromptFitKind.CandidateTooLong, limit, single, i);
        }
        return new PromptFit(PromptFitKind.ListTooLong, limit, whole);
    }

    /// <summary>Throws unless the list fits (see <see cref="Assess"/>).</summary>
    /// <param name="query">The list.</param>
    /// <param name="queryIndex">Its index in the ranker's call.</param>
    /// <param name="remaining">The candidates in the prompt (indices into the query's candidates).</param>
    /// <param name="whole">The pass of the prompt with all of them.</param>
    /// <param name="alone">The pass of the prompt with only the candidate of that index (into the query's candidates).</param>
    /// <exception cref="PromptTooLongException">The list or one of its candidates is too long.</exception>
    public void EnsureFits(RankingQuery query, int queryIndex, IReadOnlyList<int> remaining, PromptPass whole, Func<int, PromptPass> alone)
    {
        var fit = Assess(whole, remaining.Count, i => alone(remaining[i]));
        if (fit.Kind == PromptFitKind.Fits) return;
        if (fit.Kind == PromptFitKind.CandidateTooLong) throw CandidateTooLong(query, queryIndex, remaining[fit.Candidate!.Value], fit);
        throw new PromptTooLongException(Subject(query, queryIndex),
            $"the list of {remaining.Count} candidates is too long for one prompt: its prompt has {fit.Pass.PromptTokens:N0} tokens and its forward pass " +
            $"needs {limit.Describe(fit.Pass)}. Every candidate fits alone: rank it with IterativeRanker (which ranks long lists in windows), split it " +
            "into smaller lists, or shorten the candidates' texts; where the model's positions allow, a larger RankerOptions.TokenBudget also helps.",
            fit, queryIndex, query.QueryId, null);
    }

    /// <summary>Throws when one of <paramref name="candidates"/> does not fit even as the only candidate of the prompt (the first such, in order).</summary>
    /// <param name="query">The list.</param>
    /// <param name="queryIndex">Its index in the ranker's call.</param>
    /// <param name="candidates">The candidates to check (indices into the query's candidates).</param>
    /// <param name="alone">The pass of the prompt with only the candidate of that index.</param>
    /// <exception cref="PromptTooLongException">A candidate is too long alone.</exception>
    public void EnsureFitsAlone(RankingQuery query, int queryIndex, IReadOnlyList<int> candidates, Func<int, PromptPass> alone)
    {
        foreach (int candidate in candidates)
        {
            var single = alone(candidate);
            if (!limit.Admits(single))
                throw CandidateTooLong(query, queryIndex, candidate, new PromptFit(PromptFitKind.CandidateTooLong, limit, single, candidate));
        }
    }

    private PromptTooLongException CandidateTooLong(RankingQuery query, int queryIndex, int candidate, PromptFit fit)
    {
        var c = query.Candidates[candidate];
        return new PromptTooLongException(Subject(query, queryIndex),
            $"candidate {candidate} ('{Shorten(c.Id)}', a text of {c.Text.Length:N0} characters) is too long to rank even alone: the prompt with it as the " +
            $"only candidate has {fit.Pass.PromptTokens:N0} tokens and its forward pass needs {limit.Describe(fit.Pass)}. " +
            "Shorten the candidate's text (or remove it from the list); where the model's positions allow, a larger RankerOptions.TokenBudget also helps.",
            fit with { Candidate = candidate }, queryIndex, query.QueryId, c.Id);
    }

    private static string Subject(RankingQuery query, int queryIndex) =>
        query.QueryId is { } id ? $"Query {queryIndex} (QueryId '{id}')" : $"Query {queryIndex}";

    /// <summary>
    /// The iterative ranker's check of one step: every list's step prompt (as built for the forward pass) must fit.
    /// </summary>
    /// <param name="limit">The model's positions and the ranker's token budget.</param>
    /// <param name="mode">How the step decides.</param>
    /// <param name="generated">The tokens a step generates (0 in Choice mode).</param>
    /// <param name="prompts">Where the prompts come from (to build a candidate's prompt alone when a list does not fit).</param>
    /// <param name="queries">The queries of the call (for their indices in messages).</param>
    /// <param name="lists">Each list of the step: its query, the candidates in its prompt, and its forward pass (prompt tokens and branches).</param>
    /// <exception cref="PromptTooLongException">A list or one of its candidates is too long.</exception>
    internal static void CheckStep(PromptLimit limit, DecodingMode mode, int generated, IStepPromptSource prompts, IReadOnlyList<RankingQuery> queries,
        IEnumerable<(RankingQuery Query, IReadOnlyList<int> Remaining, int PromptTokens, IReadOnlyList<int[]> Branches)> lists)
    {
        var guard = new PromptLengthGuard(limit);
        foreach (var (query, remaining, promptTokens, branches) in lists)
        {
            guard.EnsureFits(query, IndexOf(queries, query), remaining, PromptPass.Of(promptTokens, branches, generated), candidate =>
                PromptPass.Of(prompts.StepPrompt(query, [candidate], mode).Length,
                    mode == DecodingMode.Choice ? [prompts.ChoiceContinuation(query, candidate)] : [], generated));
        }
    }

    /// <summary>The direct ranker's check: the prompt of the whole permutation plus the tokens to generate must fit.</summary>
    /// <exception cref="PromptTooLongException">A list or one of its candidates is too long.</exception>
    internal static void CheckDirect(PromptLimit limit, int generated, IStepPromptSource prompts, DecodingMode mode,
        RankingQuery query, int queryIndex, int promptTokens)
    {
        var guard = new PromptLengthGuard(limit);
        var all = Enumerable.Range(0, query.Candidates.Count).ToArray();
        guard.EnsureFits(query, queryIndex, all, PromptPass.Of(promptTokens, [], generated), candidate =>
            PromptPass.Of(prompts.DirectPrompt(query with { Candidates = [query.Candidates[candidate]] }, mode).Length, [], generated));
    }

    private static int IndexOf(IReadOnlyList<RankingQuery> queries, RankingQuery query)
    {
        for (int i = 0; i < queries.Count; i++)
            if (ReferenceEquals(queries[i], query)) return i;
        return -1;
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
