using IRanker.Model.Runtime;
using System.Runtime.CompilerServices;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>
/// The elimination step, once for ranking and training: turns elimination states (a query and the candidates still in
/// its pool) into step rows (the step prompt and, in Choice mode, every remaining candidate's continuation), runs them
/// through <see cref="StepForward"/>, and gives each candidate's log-probability (Choice) or the written answers
/// (Answer, Reasoning).
/// </summary>
/// <remarks>
/// The scores are differentiable when gradients are on, so the trainer's policy is exactly the distribution ranking
/// decides with. Continuation tokens are encoded once per query and candidate.
/// </remarks>
internal sealed class ModelStep(Qwen2ForCausalLM model, IStepPromptSource prompts)
{
    private readonly ConditionalWeakTable<RankingQuery, int[][]> continuations = [];

    /// <summary>The model the steps run on.</summary>
    public Qwen2ForCausalLM Model => model;

    /// <summary>The step's token ids.</summary>
    public IStepPromptSource Prompts => prompts;

    /// <summary>The same step on another model (a frozen reference), sharing the encoded continuations.</summary>
    public ModelStep On(Qwen2ForCausalLM other) => ReferenceEquals(other, model) ? this : new ModelStep(other, prompts);

    /// <summary>How a list's step prompts relate.</summary>
    public PromptLayout Layout => prompts.Layout;

    /// <summary>The step prompt's token ids, for a list that has not eliminated anything yet (the first step).</summary>
    public int[] Prompt(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode) => prompts.StepPrompt(query, remaining, mode);

    /// <summary>
    /// The step prompt's token ids after <paramref name="eliminated"/> (in the order they went). In the
    /// <see cref="PromptLayout.Rebuilt"/> layout, the prompt of <paramref name="remaining"/> alone; in
    /// <see cref="PromptLayout.AppendOnly"/>, the first step's prompt (the remaining and the eliminated candidates), then
    /// for each elimination its continuation (the one Choice mode scores) and the next turn, so that each step's tokens
    /// extend the previous step's. <paramref name="first"/>, where given, is the first step's prompt (of the remaining and
    /// the eliminated candidates), already built: it is used instead of building it again.
    /// </summary>
    public int[] Prompt(RankingQuery query, IReadOnlyList<int> remaining, IReadOnlyList<int> eliminated, DecodingMode mode, int[]? first = null)
    {
        if (eliminated.Count == 0) return first ?? prompts.StepPrompt(query, remaining, mode);
        if (prompts.Layout == PromptLayout.Rebuilt) return prompts.StepPrompt(query, remaining, mode);
        var tokens = new List<int>(first ?? prompts.StepPrompt(query, [.. remaining, .. eliminated], mode));
        var turn = prompts.NextTurn(query, mode);
        foreach (int candidate in eliminated)
        {
            tokens.AddRange(Continuation(query, candidate));
            tokens.AddRange(turn);
        }
        return [.. tokens];
    }

    /// <summary>The tokens that name <paramref name="candidate"/> and close the answer (encoded once per query and candidate).</summary>
    public int[] Continuation(RankingQuery query, int candidate)
    {
        var all = continuations.GetValue(query, q => new int[q.Candidates.Count][]);
        return all[candidate] ??= prompts.ChoiceContinuation(query, candidate);
    }

    /// <summary>
    /// The row of one state: <paramref name="prompt"/> (from a step prompt), reusing what it can of
    /// <paramref name="past"/>, and in Choice mode the continuation of each of <paramref name="remaining"/>, in that order.
    /// </summary>
    public StepRow Row(RankingQuery query, IReadOnlyList<int> remaining, DecodingMode mode, int[] prompt, PrefixCache? past = null)
    {
        if (mode != DecodingMode.Choice) return StepRow.Create(prompt, past, []);
        var (branches, scoring) = Choices(query, remaining);
        return StepRow.Create(prompt, past, branches, scoring);
    }

    /// <summary>
    /// The branches Choice mode scores for <paramref name="remaining"/>, in that order, and how: each candidate's whole
    /// continuation (<see cref="ChoiceScoring.FullSequence"/>), or with <see cref="ChoiceScoring.UniquePrefix"/> each cut
    /// after the first token where it parts from every other remaining continuation. Where one continuation is the start
    /// of another (which the closing tag of the answer prevents for any two distinct IDs), cutting would score both alike,
    /// so the step falls back to whole continuations.
    /// </summary>
    public (int[][] Branches, ChoiceScoring Scoring) Choices(RankingQuery query, IReadOnlyList<int> remaining)
    {
        var whole = new int[remaining.Count][];
        for (int i = 0; i < remaining.Count; i++) whole[i] = Continuation(query, remaining[i]);
        if (prompts.ChoiceScoring != ChoiceScoring.UniquePrefix) return (whole, ChoiceScoring.FullSequence);
        var cut = new int[whole.Length][];
        for (int i = 0; i < whole.Length; i++)
        {
            int shared = 0;
            for (int j = 0; j < whole.Length; j++)
                if (j != i) shared = Math.Max(shared, whole[i].AsSpan().CommonPrefixLength(whole[j]));
            if (shared >= whole[i].Length) return (whole, ChoiceScoring.FullSequence);
            cut[i] = shared + 1 == whole[i].Length ? whole[i] : whole[i][..(shared + 1)];
        }
        return (cut, ChoiceScoring.UniquePrefix);
    }

    /// <summary>Runs <paramref name="rows"/>; differentiable when gradients are on.</summary>
    public StepForward Forward(IReadOnlyList<StepRow> rows, StepForwardOptions options) => StepForward.Run(model, rows, prompts.PadTokenId, options);

    /// <summary>
    /// Runs the distinct rows of <paramref name="places"/> (in order of first appearance) and gives, for each place, the
    /// index of its step among the forward's steps (<see cref="StepForward.BranchLogProbs"/>, <see cref="StepForward.PointHidden"/>).
    /// </summary>
    public StepForward Forward(IReadOnlyList<StepPlace> places, StepForwardOptions options, out int[] steps)
    {
        var rows = new List<StepRow>();
        var firstStep = new Dictionary<StepRow, int>(ReferenceEqualityComparer.Instance);
        int count = 0;
        foreach (var place in places)
        {
            if (firstStep.ContainsKey(place.Row)) continue;
            firstStep[place.Row] = count;
            count += place.Row.PointCount;
            rows.Add(place.Row);
        }
        steps = places.Select(p => firstStep[p.Row] + p.Point).ToArray();
        return Forward(rows, options);
    }

    /// <summary>Writes each row's answer after <paramref name="forward"/> (run with <see cref="StepForwardOptions.KeepCache"/>).</summary>
    public GeneratedAnswer[] Generate(StepForward forward, IReadOnlyList<StepRow> rows, DecodeSettings settings, Generator? random) =>
        AnswerDecoder.Generate(model, prompts, forward, rows, settings, random);

    /// <summary>
    /// Choice mode: per row, [m] log-probabilities of eliminating each candidate, the log-softmax over the row's
    /// candidates of their sequence log-probs divided by <paramref name="temperature"/>.
    /// </summary>
    public static Tensor[] ChoiceLogProbs(StepForward forward, double temperature = 1.0) =>
        forward.BranchLogProbs.Select(scores => (temperature == 1.0 ? scores : scores.DividedBy(temperature)).log_softmax(0)).ToArray();
}
