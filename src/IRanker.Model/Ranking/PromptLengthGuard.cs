using IRanker.Model.Ranking.Elimination;
using IRanker.Model.Ranking.Prompts;

namespace IRanker.Model.Ranking;

/// <summary>The size of one list's forward pass.</summary>
/// <param name="PromptTokens">Tokens of the prompt.</param>
/// <param name="Positions">Positions the pass needs: the prompt plus its longest continuation (a candidate ID in Choice mode, the tokens to generate otherwise).</param>
/// <param name="Tokens">Tokens the pass runs alone in a batch: the prompt plus every continuation.</param>
internal readonly record struct PromptPass(int PromptTokens, int Positions, int Tokens)
{
    /// <summary>A step prompt of <paramref name="promptTokens"/> tokens with candidate continuations <paramref name="branches"/> (Choice mode) and <paramref name="generated"/> tokens to generate.</summary>
    public static PromptPass Of(int promptTokens, IReadOnlyList<int[]> branches, int generated)
    {
        long longest = 0, all = 0;
        foreach (var branch in branches)
        {
            longest = Math.Max(longest, branch.Length);
            all += branch.Length;
        }
        return new PromptPass(promptTokens, Saturate(promptTokens + longest + generated), Saturate(promptTokens + all + generated));
    }

    private static int Saturate(long value) => (int)Math.Min(value, int.MaxValue);
}

/// <summary>The most a forward pass of one list may need: the model's positions and the ranker's token budget.</summary>
/// <param name="MaxPositions">The model's <c>max_position_embeddings</c>.</param>
/// <param name="TokenBudget"><see cref="RankerOptions.TokenBudget"/>.</param>
internal readonly record struct PromptLimit(int MaxPositions, int TokenBudget)
{
    /// <summary>Whether <paramref name="pass"/> fits.</summary>
    public bool Admits(PromptPass pass) => pass.Positions <= MaxPositions && pass.Tokens <= TokenBudget;

    /// <summary>The limit <paramref name="pass"/> breaks first, for messages.</summary>
    public string Describe(PromptPass pass) => pass.Positions > MaxPositions
        ? $"{pass.Positions:N0} positions, more than the model's max_position_embeddings of {MaxPositions:N0}"
        : $"{pass.Tokens:N0} tokens in one forward pass, more than RankerOptions.TokenBudget = {TokenBudget:N0}";
}

/// <summary>Whether a list fits in one prompt, and if not, why.</summary>
internal enum PromptFitKind
{
    /// <summary>The whole list fits in one forward pass.</summary>
    Fits,
    /// <summary>Every candidate fits alone, but not the whole list: <see cref="IterativeRanker"/> ranks it in windows.</summary>
    ListTooLong,
    /// <summary>One candidate does not fit even alone (<see cref="PromptFit.Candidate"/>).</summary>
    CandidateTooLong,
}

/// <summary>The outcome of <see cref="PromptLengthGuard.Assess"/>.</summary>
/// <param name="Kind">Whether and how it fits.</param>
/// <param name="Limit">The limit it was checked against.</param>
/// <param name="Pass">The pass that was checked: the whole list's, or for <see cref="PromptFitKind.CandidateTooLong"/> the candidate's alone.</param>
/// <param name="Candidate">For <see cref="PromptFitKind.CandidateTooLong"/>, the candidate's index; otherwise null.</param>
internal sealed record PromptFit(PromptFitKind Kind, PromptLimit Limit, PromptPass Pass, int? Candidate = null);

/// <summary>
/// The bound on every forward pass at inference: a list's prompt, with what the pass adds to it (the candidate-ID
/// continuations in Choice mode, the tokens to generate otherwise), must fit within the model's
/// <c>max_position_embeddings</c> (positions it was trained with) and within <see cref="RankerOptions.TokenBudget"/>
/// (tokens of one forward pass; a list over the budget used to run alone, with memory growing with the square of its length).
/// </summary>
/// <remarks>
/// <see cref="Assess"/> is the one decision; the rankers call <see cref="EnsureFits"/>, which turns every outcome but
/// <see cref="PromptFitKind.Fits"/> into a <see cref="PromptTooLongException"/>. <see cref="IterativeRanker"/> ranks a list
/// too long for one prompt in windows (<see cref="Elimination.LongListTournament"/>) and calls only
/// <see cref="EnsureFitsAlone"/> for it; <see cref="DirectRanker"/>, which writes the whole permutation at once, cannot.
/// A step's prompt only shrinks as candidates are eliminated, so checking the first step bounds every later one.
/// </remarks>
internal sealed class PromptLengthGuard(PromptLimit limit)
{
    /// <summary>A guard for a model with <paramref name="maxPositionEmbeddings"/> positions and the options' token budget.</summary>
    public PromptLengthGuard(int maxPositionEmbeddings, RankerOptions options) : this(new PromptLimit(maxPositionEmbeddings, options.TokenBudget))
    {
    }

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
    /// <param name="maxPositionEmbeddings">The model's positions.</param>
    /// <param name="options">The ranker's options (token budget, decoding mode, answer lengths).</param>
    /// <param name="prompts">Where the prompts come from (to build a candidate's prompt alone when a list does not fit).</param>
    /// <param name="queries">The queries of the call (for their indices in messages).</param>
    /// <param name="lists">Each list of the step: its query, the candidates in its prompt, and its forward-pass row.</param>
    /// <exception cref="PromptTooLongException">A list or one of its candidates is too long.</exception>
    internal static void CheckStep(int maxPositionEmbeddings, RankerOptions options, IStepPromptSource prompts, IReadOnlyList<RankingQuery> queries,
        IEnumerable<(RankingQuery Query, IReadOnlyList<int> Remaining, StepRow Row)> lists)
    {
        var guard = new PromptLengthGuard(maxPositionEmbeddings, options);
        var (mode, generated) = (options.Mode, options.StepTokens);
        foreach (var (query, remaining, row) in lists)
        {
            guard.EnsureFits(query, IndexOf(queries, query), remaining, PromptPass.Of(row.Prompt.Length, row.Branches, generated), candidate =>
                PromptPass.Of(prompts.StepPrompt(query, [candidate], mode).Length,
                    mode == DecodingMode.Choice ? [prompts.ChoiceContinuation(query, candidate)] : [], generated));
        }
    }

    /// <summary>The direct ranker's check: the prompt of the whole permutation plus the tokens to generate must fit.</summary>
    /// <exception cref="PromptTooLongException">A list or one of its candidates is too long.</exception>
    internal static void CheckDirect(int maxPositionEmbeddings, RankerOptions options, IStepPromptSource prompts, DecodingMode mode,
        RankingQuery query, int queryIndex, int promptTokens)
    {
        var guard = new PromptLengthGuard(maxPositionEmbeddings, options);
        var all = Enumerable.Range(0, query.Candidates.Count).ToArray();
        guard.EnsureFits(query, queryIndex, all, PromptPass.Of(promptTokens, [], options.MaxDirectTokens), candidate =>
            PromptPass.Of(prompts.DirectPrompt(query with { Candidates = [query.Candidates[candidate]] }, mode).Length, [], options.MaxDirectTokens));
    }

    private static int IndexOf(IReadOnlyList<RankingQuery> queries, RankingQuery query)
    {
        for (int i = 0; i < queries.Count; i++)
            if (ReferenceEquals(queries[i], query)) return i;
        return -1;
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";
}
