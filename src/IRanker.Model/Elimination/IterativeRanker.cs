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
/// <para>How a step decides is chosen once, when the ranker is built, from <see cref="RankerOptions.Mode"/> and
/// <see cref="RankerOptions.OrderSamples"/>, or is a judge of your own (<see cref="IEliminationJudge"/>):</para>
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
/// <item>With <see cref="RankerOptions.OrderSamples"/> above 1 (Choice mode), the step shows the pool in that many
/// orders and eliminates by the average of their distributions.</item>
/// <item>With an <see cref="IEliminationJudge"/>, the judge's scores take the place of the model's sequence log-probs
/// (Choice steps, no model call).</item>
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
    private readonly IStepDecider decider;

    /// <summary>Creates a ranker over <paramref name="model"/>.</summary>
    /// <param name="model">The model bundle.</param>
    /// <param name="options">Settings; null = the defaults of <see cref="RankerOptions"/>. The ranker keeps a copy.</param>
    /// <exception cref="ArgumentException">The options are invalid, or ask for a mode the model's prompt layout cannot run.</exception>
    public IterativeRanker(IRankerModel model, RankerOptions? options = null)
        : this(StepOf(model), options, null)
    {
    }

    /// <summary>
    /// Creates a ranker whose steps are decided by <paramref name="judge"/> instead of the model's forward pass; the
    /// prompts of <paramref name="model"/> (and its positions) still decide which lists are ranked in windows.
    /// </summary>
    /// <param name="model">The model bundle whose prompts and position limit the ranker plans with; its weights are not run.</param>
    /// <param name="judge">Scores each step's pool (see <see cref="IEliminationJudge"/>).</param>
    /// <param name="options">Settings (Choice mode, one candidate order); null = the defaults of <see cref="RankerOptions"/>. The ranker keeps a copy.</param>
    /// <exception cref="ArgumentException">The options are not Choice mode with <see cref="RankerOptions.OrderSamples"/> = 1.</exception>
    public static IterativeRanker WithJudge(IRankerModel model, IEliminationJudge judge, RankerOptions? options = null) =>
        new(StepOf(model), options, judge ?? throw new ArgumentNullException(nameof(judge)));

    /// <summary>Creates a ranker that takes its steps through <paramref name="step"/> (the trainer's evaluation ranks over the trainer's own step).</summary>
    internal IterativeRanker(ModelStep step, RankerOptions? options)
        : this(step, options, null)
    {
    }

    private IterativeRanker(ModelStep step, RankerOptions? options, IEliminationJudge? judge)
    {
        this.step = step;
        Options = options?.Clone() ?? new RankerOptions();
        Options.Validate();
        CheckLayout(step.Layout, Options.Mode, "IterativeRanker");
        decider = StepDeciders.For(step, Options, judge);
    }

    private static ModelStep StepOf(IRankerModel model) =>
        new((model ?? throw new ArgumentNullException(nameof(model))).Model, new TemplatePromptSource(model));

    /// <summary>Throws when <paramref name="mode"/> cannot run in <paramref name="layout"/>: an append-only prompt records answers, which Reasoning mode does not write alone.</summary>
    /// <exception cref="ArgumentException">Reasoning mode with <see cref="PromptLayout.AppendOnly"/>.</exception>
    internal static void CheckLayout(PromptLayout layout, DecodingMode mode, string where)
    {
        if (layout == PromptLayout.AppendOnly && mode == DecodingMode.Reasoning)
            throw new ArgumentException(
                $"{where}: the model's prompt layout is PromptLayout.AppendOnly, which records each earlier answer in the prompt and supports DecodingMode.Choice " +
                "and DecodingMode.Answer only, but the decoding mode is Reasoning. Use Choice or Answer with this model, or a model trained in PromptLayout.Rebuilt for Reasoning.");
    }

    /// <summary>The settings in use: a copy of those given, taken when the ranker was built (how a step decides is chosen then).</summary>
    /// <remarks>Changing them after the ranker is built has no effect; build another ranker for other settings.</remarks>
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

    private void RunBatch(IReadOnlyList<ListState> states, IReadOnlyList<StepRow> rows, Generator? random) =>
        LastCounters += decider.Decide(states, rows, random, LastStatistics);
}
