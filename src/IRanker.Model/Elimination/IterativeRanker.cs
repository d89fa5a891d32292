using IRanker.Model.Answers;
using IRanker.Model.Elimination.LongLists;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Step;
using static TorchSharp.torch;

namespace IRanker.Model.Elimination;

/// <summary>
/// IRanker's ranking by iterative elimination: at each step the model sees the context and the remaining candidates
/// and names the worst one; the reverse elimination order is the ranking (the survivor first).
/// </summary>
/// <remarks>
/// <para>All lists advance one step together. Each step's prompts are grouped into forward batches of at most
/// <see cref="RankerOptions.TokenBudget"/> padded tokens; lists of different lengths simply stop taking part once one
/// candidate is left, which costs no model call (<see cref="AnswerMatch.LastRemaining"/>).</para>
/// <para>How a step decides (<see cref="RankerOptions.Mode"/>):</para>
/// <list type="bullet">
/// <item><see cref="DecodingMode.Choice"/> (default): one forward pass scores every remaining candidate's ID followed by
/// <c>&lt;/answer&gt;</c> as the continuation of <c>&lt;answer&gt;</c>. An ID of several tokens scores the sum of its
/// tokens' log-probs, each conditioned on the prompt and the ID's earlier tokens (all candidates of a list ride in the
/// same pass, each seeing only the prompt and itself). The closing tag makes <c>passage 1</c> and <c>passage 10</c>
/// different sequences: without it, <c>passage 1</c> would also be the start of <c>passage 10</c>. The most likely
/// candidate is eliminated; its confidence is its softmax over the candidates' sequence log-probs.</item>
/// <item><see cref="DecodingMode.Answer"/>: the model writes the ID after <c>&lt;answer&gt;</c>; the text is matched to a
/// remaining ID (exact, normalised, fuzzy, nearest: one is always eliminated).</item>
/// <item><see cref="DecodingMode.Reasoning"/>: the model writes <c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c>,
/// matched the same way.</item>
/// </list>
/// <para>With <see cref="RankerOptions.ReusePrefixCache"/> each list keeps the key/value cache of its last prompt and the
/// next step runs only the tokens after the longest common token prefix: the system turn, the context, the instruction
/// and the candidates before the one just eliminated.</para>
/// <para>One instance serves one <see cref="Rank"/> call at a time (<see cref="LastCounters"/> and
/// <see cref="LastStatistics"/> describe the last call); use one ranker per thread.</para>
/// </remarks>
/// <example>
/// <code>
/// using var model = IRankerModel.Load("models/iranker-3b", torch.CUDA, torch.ScalarType.BFloat16);
/// var ranker = new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Choice });
/// IReadOnlyList&lt;RankingResult&gt; results = ranker.Rank(queries);
/// int best = results[0].Order[0];                      // index of the top candidate of the first query
/// float[] scores = results[0].Scores();                // per candidate, higher = better
/// </code>
/// </example>
public sealed class IterativeRanker : IListRanker
{
    private readonly ModelStep step;
    private readonly ChoiceJudge? judge;

    /// <summary>Creates a ranker over <paramref name="model"/>.</summary>
    /// <param name="model">The model bundle.</param>
    /// <param name="options">Settings; null = the defaults of <see cref="RankerOptions"/>.</param>
    public IterativeRanker(IRankerModel model, RankerOptions? options = null)
        : this(new ModelStep((model ?? throw new ArgumentNullException(nameof(model))).Model, new TemplatePromptSource(model)), options)
    {
    }

    /// <summary>Creates a ranker whose prompts come from <paramref name="prompts"/> (the benchmark's random token ids).</summary>
    internal IterativeRanker(Qwen2ForCausalLM model, IStepPromptSource prompts, RankerOptions? options)
        : this(new ModelStep(model, prompts), options)
    {
    }

    /// <summary>Creates a ranker that takes its steps through <paramref name="step"/> (the trainer's evaluation).</summary>
    internal IterativeRanker(ModelStep step, RankerOptions? options)
    {
        this.step = step;
        Options = options ?? new RankerOptions();
        Options.Validate();
        CheckLayout(step.Layout, Options.Mode, "IterativeRanker");
    }

    /// <summary>
    /// Creates a ranker whose Choice steps take their distribution from <paramref name="judge"/> instead of the model
    /// (the benchmark's simulated ranker with controlled noise): prompts, windows, schedules, tournaments and relevance
    /// are the library's own; only the forward pass is replaced, so a step costs no model call.
    /// </summary>
    /// <exception cref="ArgumentException">The options are not Choice mode with one candidate order.</exception>
    internal IterativeRanker(ModelStep step, RankerOptions? options, ChoiceJudge judge)
        : this(step, options)
    {
        if (Options.Mode != DecodingMode.Choice || Options.OrderSamples != 1)
            throw new ArgumentException($"A simulated judge decides Choice steps over one candidate order; the options ask for {Options.Mode} mode with OrderSamples = {Options.OrderSamples}.", nameof(options));
        this.judge = judge ?? throw new ArgumentNullException(nameof(judge));
    }

    /// <summary>Throws when <paramref name="mode"/> cannot run in <paramref name="layout"/>: an append-only prompt records answers, which Reasoning mode does not write alone.</summary>
    /// <exception cref="ArgumentException">Reasoning mode with <see cref="PromptLayout.AppendOnly"/>.</exception>
    internal static void CheckLayout(PromptLayout layout, DecodingMode mode, string where)
    {
        if (layout == PromptLayout.AppendOnly && mode == DecodingMode.Reasoning)
            throw new ArgumentException(
                $"{where}: the model's prompt layout is PromptLayout.AppendOnly, which records each earlier answer in the prompt and supports DecodingMode.Choice " +
                "and DecodingMode.Answer only, but the decoding mode is Reasoning. Use Choice or Answer with this model, or a model trained in PromptLayout.Rebuilt for Reasoning.");
    }

    /// <summary>The settings in use.</summary>
    public RankerOptions Options { get; }

    /// <summary>
    /// How the generated answers of the last <see cref="Rank"/> call were formed and matched (Answer and Reasoning modes;
    /// Choice mode generates no text, so it records nothing).
    /// </summary>
    public AnswerStatistics LastStatistics { get; private set; } = new();

    /// <summary>What the last <see cref="Rank"/> call cost (forward passes, prompt tokens run and reused).</summary>
    public InferenceCounters LastCounters { get; private set; } = InferenceCounters.Zero;

    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; checked between steps and batches.</exception>
    /// <exception cref="PromptTooLongException">A candidate is too long to rank even alone, or two at a time do not fit.</exception>
    public IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        CandidateIdValidation.Check(queries, nameof(queries));
        Options.Validate();
        CheckLayout(step.Layout, Options.Mode, "IterativeRanker.Rank");
        TorchRuntime.EnsureInitialized();
        using var noGrad = no_grad();
        using var random = Options.Sample ? new Generator((ulong)Options.Seed, step.Model.Device) : null;
        LastCounters = InferenceCounters.Zero;
        LastStatistics = new AnswerStatistics();
        LastWindowedLists = 0;

        // Lists that fit one prompt run together, as the paper's loop; a list too long for one prompt becomes a
        // tournament of windows (docs/ranking.md, "Long lists"). A candidate too long even alone fails here, before
        // any forward pass.
        var planner = new WindowPlanner(step, new PromptLimit(step.Model.Config.MaxPositionEmbeddings, Options.TokenBudget), Options.Mode, Options.StepTokens);
        var guard = new PromptLengthGuard(planner.Limit);
        var whole = new List<ListState>();
        var tournaments = new List<LongListTournament>();
        var results = new RankingResult[queries.Count];
        var wholeIndex = new List<int>();
        for (int q = 0; q < queries.Count; q++)
        {
            var query = queries[q] ?? throw new ArgumentException($"Query {q} is null.", nameof(queries));
            var all = Enumerable.Range(0, query.Candidates.Count).ToArray();
            int[]? firstPrompt = null;
            if (all.Length > 1 && !planner.Fits(query, all, out firstPrompt))
            {
                guard.EnsureFitsAlone(query, q, all, c => planner.Alone(query, c));
                tournaments.Add(new LongListTournament(query, q));
                continue;
            }
            whole.Add(new ListState(query) { FirstPrompt = firstPrompt });
            wholeIndex.Add(q);
        }

        try
        {
            RankStates(whole, queries, random, cancellationToken);
            for (int i = 0; i < whole.Count; i++) results[wholeIndex[i]] = whole[i].ToResult();
        }
        finally
        {
            foreach (var state in whole) state.Dispose();
        }
        if (tournaments.Count > 0) RankLongLists(tournaments, planner, queries, random, cancellationToken, results);
        return results;
    }

    /// <summary>How many lists of the last <see cref="Rank"/> call were too long for one prompt and were ranked in windows.</summary>
    public int LastWindowedLists { get; private set; }

    /// <summary>
    /// Runs the tournaments round by round, all lists together. A round's windows run in waves whose first prompts
    /// together fit the token budget, so the key/value caches held at once are bounded by the budget, not by the list.
    /// </summary>
    private void RankLongLists(List<LongListTournament> tournaments, WindowPlanner planner, IReadOnlyList<RankingQuery> queries,
        Generator? random, CancellationToken cancellationToken, RankingResult[] results)
    {
        LastWindowedLists = tournaments.Count;
        while (tournaments.Any(t => !t.Finished))
        {
            var round = tournaments.Where(t => !t.Finished).Select(t => (t, windows: t.NextRound(planner))).ToList();
            var windows = round.SelectMany(r => r.windows).ToList();
            try
            {
                foreach (var wave in Waves(windows))
                    RankStates(wave, queries, random, cancellationToken);
            }
            finally
            {
                foreach (var (state, _) in windows) state.Dispose();
            }
            foreach (var (t, _) in round) t.Collect();
        }
        foreach (var t in tournaments) results[t.QueryIndex] = t.ToResult();
    }

    private IEnumerable<List<ListState>> Waves(IEnumerable<(ListState State, PromptPass Pass)> windows)
    {
        var wave = new List<ListState>();
        long tokens = 0;
        foreach (var (state, pass) in windows)
        {
            int cost = pass.Tokens;
            if (wave.Count > 0 && tokens + cost > Options.TokenBudget)
            {
                yield return wave;
                (wave, tokens) = ([], 0);
            }
            wave.Add(state);
            tokens += cost;
        }
        if (wave.Count > 0) yield return wave;
    }

    /// <summary>The elimination loop: every state advances one step together until each has reached its survivors.</summary>
    private void RankStates(List<ListState> states, IReadOnlyList<RankingQuery> queries, Generator? random, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var state in states.Where(s => !s.NeedsModel)) state.Finish();
            var active = states.Where(s => s.NeedsModel).ToList();
            if (active.Count == 0) return;

            var rows = active.Select(BuildRow).ToList();
            PromptLengthGuard.CheckStep(new PromptLimit(step.Model.Config.MaxPositionEmbeddings, Options.TokenBudget), Options.Mode, Options.StepTokens, step.Prompts, queries,
                active.Select((s, i) => (s.Query, (IReadOnlyList<int>)s.Remaining, rows[i].Prompt.Length, rows[i].Branches)));   // every forward pass fits
            foreach (var batch in TokenBudgetBatcher.Plan(rows, Options.TokenBudget, Options.StepTokens))
            {
                cancellationToken.ThrowIfCancellationRequested();
                RunBatch(batch.Select(i => active[i]).ToList(), batch.Select(i => rows[i]).ToList(), random);
            }
        }
    }

    /// <summary>The state's step row; its first prompt is built once (or taken from the fit check) and extended in the append-only layout.</summary>
    private StepRow BuildRow(ListState state)
    {
        if (state.Steps.Count == 0) state.FirstPrompt ??= step.Prompt(state.Query, state.Remaining, Options.Mode);
        var prompt = step.Prompt(state.Query, state.Remaining, state.History, Options.Mode, state.FirstPrompt);
        return step.Row(state.Query, state.Remaining, Options.Mode, prompt, Options.ReusePrefixCache ? state.Cache : null);
    }

    private void RunBatch(IReadOnlyList<ListState> states, IReadOnlyList<StepRow> rows, Generator? random)
    {
        if (judge is not null)
        {
            LastCounters += new InferenceCounters(1, rows.Sum(r => (long)r.Prompt.Length), 0, rows.Sum(r => (long)r.Branches.Sum(b => b.Length)), 0);
            foreach (var state in states)
            {
                var scores = judge(state.Query, state.Remaining);
                if (scores.Length != state.Remaining.Count)
                    throw new InvalidOperationException($"The simulated judge gave {scores.Length} scores for a pool of {state.Remaining.Count} candidates.");
                EliminateByChoice(state, ChoiceDecision.MostLikely(scores).LogProbs);
            }
            return;
        }
        bool generates = DecodingModes.GeneratesText(Options.Mode);
        if (!generates && Options.OrderSamples > 1)
        {
            var (combined, cost) = OrderSampledStep.Run(step, Options, states, rows);
            LastCounters += cost;
            for (int b = 0; b < states.Count; b++) EliminateByChoice(states[b], combined[b]);
            return;
        }
        using var forward = step.Forward(rows, new StepForwardOptions(KeepPrefixes: Options.ReusePrefixCache, KeepCache: generates));
        LastCounters += new InferenceCounters(1, rows.Sum(r => (long)r.Prompt.Length), rows.Sum(r => (long)r.PastLength),
            rows.Sum(r => (long)r.Branches.Sum(b => b.Length)), 0)
        {
            LargestBatchTokens = (long)rows.Count * (rows.Max(r => r.PastLength) + rows.Max(r => r.NewTokens)),
        };
        for (int b = 0; b < states.Count; b++) states[b].ReplaceCache(forward.Prefixes[b]);

        if (!generates)
        {
            var scores = forward.BranchLogProbArrays();
            for (int b = 0; b < states.Count; b++) EliminateByChoice(states[b], ChoiceDecision.MostLikely(scores[b]).LogProbs);
            return;
        }

        var outputs = step.Generate(forward, rows, Options.DecodeSettings(Options.StepTokens), random);
        LastCounters += InferenceCounters.Zero with { GeneratedTokens = outputs.Sum(o => (long)o.TokenIds.Length) };
        for (int b = 0; b < states.Count; b++)
        {
            var state = states[b];
            var ids = state.Remaining.Select(i => state.Query.Candidates[i].Id).ToArray();
            var match = AnswerParser.Match(DecodingModes.AnswerText(Options.Mode, outputs[b].Text), ids);
            LastStatistics.Record(match);
            state.Eliminate(state.Remaining[match.Index], outputs[b].Text, match.Rule, null);
        }
    }

    /// <summary>
    /// Eliminates the schedule's count of the most likely candidates of a Choice step, most likely first (ties: input
    /// order); <paramref name="logProbs"/> (per pool candidate, in pool order) is recorded once, on the first of them.
    /// </summary>
    private void EliminateByChoice(ListState state, float[] logProbs)
    {
        var pool = state.Remaining.ToArray();
        var worstFirst = Enumerable.Range(0, pool.Length).OrderByDescending(i => logProbs[i]).ThenBy(i => i)
            .Take(Math.Min(Options.Schedule.EliminationsAt(pool.Length), state.Eliminable)).ToArray();
        for (int k = 0; k < worstFirst.Length; k++)
            state.Eliminate(pool[worstFirst[k]], "", AnswerMatch.Choice, MathF.Exp(logProbs[worstFirst[k]]), k == 0 ? logProbs : null, pool);
    }
}
