using IRanker.Model.Answers;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Step;
using static TorchSharp.torch;

namespace IRanker.Model.Elimination;

/// <summary>
/// The direct baseline ("DRanker"): one generation of the whole permutation per list, repaired into a valid ranking
/// (<see cref="DirectRankingRepair"/>: unknown and repeated IDs dropped, candidates the model left out appended in input order).
/// </summary>
/// <remarks>
/// <para>The prompt is the template's direct prompt (<see cref="PromptTemplate.BuildDirect"/>) in Answer form, or in
/// Reasoning form when <see cref="RankerOptions.Mode"/> is <see cref="DecodingMode.Reasoning"/>; at most
/// <see cref="RankerOptions.MaxDirectTokens"/> tokens are generated. Lists are batched under
/// <see cref="RankerOptions.TokenBudget"/>.</para>
/// <para>So that results read like those of <see cref="IterativeRanker"/>, the ranking is also written as steps, worst
/// candidate first: the first step holds the model's whole output; a candidate the model named has
/// <see cref="AnswerMatch.Exact"/>, one appended by the repair <see cref="AnswerMatch.Nearest"/>, and the best one
/// <see cref="AnswerMatch.LastRemaining"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// var direct = new DirectRanker(model, new RankerOptions { MaxDirectTokens = 256 });
/// var results = direct.Rank(queries);
/// int repaired = results.Sum(r =&gt; r.RepairedAnswers);   // how many candidates the model failed to place
/// </code>
/// </example>
public sealed class DirectRanker : IListRanker
{
    private readonly Qwen2ForCausalLM model;
    private readonly IStepPromptSource prompts;

    /// <summary>Creates a direct ranker over <paramref name="model"/>.</summary>
    /// <param name="model">The model bundle.</param>
    /// <param name="options">Settings; null = the defaults of <see cref="RankerOptions"/>.</param>
    public DirectRanker(IRankerModel model, RankerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        this.model = model.Model;
        prompts = new TemplatePromptSource(model);
        Options = options ?? new RankerOptions();
        Options.Validate();
    }

    /// <summary>The settings in use.</summary>
    public RankerOptions Options { get; }

    /// <inheritdoc/>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled; checked between batches.</exception>
    public IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        CandidateIdValidation.Check(queries, nameof(queries));
        Options.Validate();
        TorchRuntime.EnsureInitialized();
        using var noGrad = no_grad();
        var mode = Options.Mode == DecodingMode.Reasoning ? DecodingMode.Reasoning : DecodingMode.Answer;
        var results = new RankingResult?[queries.Count];
        var pending = new List<int>();
        for (int q = 0; q < queries.Count; q++)
        {
            ArgumentNullException.ThrowIfNull(queries[q], nameof(queries));
            if (queries[q].Candidates.Count <= 1) results[q] = ToResult(queries[q], "", Enumerable.Range(0, queries[q].Candidates.Count).ToArray(), 0);
            else pending.Add(q);
        }

        var rows = pending.Select(q => StepRow.Create(prompts.DirectPrompt(queries[q], mode), null, [])).ToList();
        for (int i = 0; i < pending.Count; i++)
            PromptLengthGuard.CheckDirect(new PromptLimit(model.Config.MaxPositionEmbeddings, Options.TokenBudget), Options.MaxDirectTokens, prompts, mode, queries[pending[i]], pending[i], rows[i].Prompt.Length);
        using var random = Options.Sample ? new Generator((ulong)Options.Seed, model.Device) : null;
        foreach (var batch in TokenBudgetBatcher.Plan(rows, Options.TokenBudget, Options.MaxDirectTokens))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batchRows = batch.Select(i => rows[i]).ToList();
            using var forward = StepForward.Run(model, batchRows, prompts.PadTokenId, new StepForwardOptions(KeepCache: true));
            var outputs = AnswerDecoder.Generate(model, prompts, forward, batchRows, Options.DecodeSettings(Options.MaxDirectTokens), random);
            for (int b = 0; b < batch.Length; b++)
            {
                var query = queries[pending[batch[b]]];
                string answer = DecodingModes.AnswerText(mode, outputs[b].Text);
                var repair = DirectRankingRepair.Repair(answer, query.Candidates.Select(c => c.Id).ToArray());
                results[pending[batch[b]]] = ToResult(query, outputs[b].Text, repair.Order, repair.Missing);
            }
        }
        return results.Select(r => r!).ToList();
    }

    /// <summary>Writes a best-first order as steps, worst first; the last <paramref name="appended"/> entries of the order came from the repair.</summary>
    private static RankingResult ToResult(RankingQuery query, string output, IReadOnlyList<int> order, int appended)
    {
        var steps = new List<EliminationStep>(order.Count);
        for (int rank = order.Count - 1; rank >= 0; rank--)
        {
            var match = rank == 0 ? AnswerMatch.LastRemaining : rank >= order.Count - appended ? AnswerMatch.Nearest : AnswerMatch.Exact;
            steps.Add(new EliminationStep(steps.Count, order[rank], steps.Count == 0 ? output : "", match));
        }
        return new RankingResult(query, order.ToArray(), steps);
    }
}
