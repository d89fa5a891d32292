using System.Diagnostics;
using IRanker.Model.Answers;
using IRanker.Model.Elimination;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Step;
using IRanker.Model.Text;
using IRanker.Model.Training.Objectives;
using IRanker.Model.Training.Rewards;
using IRanker.Model.Training.Rollouts;
using IRanker.Model.Training.Sampling;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>
/// Teaches a causal LM to rank by elimination: an optional supervised warm start, then GRPO or PPO on rewarded
/// elimination steps, with checkpoints that resume exactly.
/// </summary>
/// <remarks>
/// <para>Every step is taken through the same elimination step that ranking uses (the same prompt, the same
/// continuation of each candidate, the same forward pass), so the policy that training improves is exactly the one
/// <see cref="IterativeRanker"/> ranks with, and <see cref="Evaluate"/> runs <see cref="IterativeRanker"/> itself.</para>
/// <para>The model is trained in place. A checkpoint folder that already holds checkpoints makes
/// <see cref="Train"/> resume from the newest one (weights, optimiser moments, random states, progress).</para>
/// <para>NaN or infinity in the loss or the gradients stops training with <see cref="InvalidOperationException"/>
/// before the optimiser step; the newest checkpoint is then the last good state.</para>
/// </remarks>
/// <example>
/// <code>
/// using var ranker = IRankerModel.CreateFromScratch(trainQueries, Qwen2Config.Tiny, seed: 1, style: PromptStyle.Compact);
/// var trainer = new EliminationTrainer(ranker,
///     new TrainingOptions { WarmStartSteps = 1000, WarmStartLearningRate = 1e-3, LearningRate = 3e-4, Steps = 300 });
/// TrainingSummary summary = trainer.Train(trainQueries, evalQueries,
///     new Progress&lt;TrainingStepMetrics&gt;(m =&gt; Console.WriteLine($"{m.Phase} {m.Step} reward {m.Reward:F2}")));
/// </code>
/// </example>
public sealed class EliminationTrainer
{
    private readonly TrainingOptions options;
    private readonly ModelStep step;
    private readonly TrainablePolicy policy;
    private readonly PolicyLosses losses;
    private readonly EliminationRewards rewards;
    private readonly TrainerProgress progress;
    private readonly TrainingSamples samples;

    /// <summary>Creates a trainer for a model bundle, which it trains in place; the step prompts are the bundle's templates.</summary>
    /// <param name="model">The policy with its tokenizer and prompt templates.</param>
    /// <param name="options">Hyperparameters; copied, then validated.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public EliminationTrainer(IRankerModel model, TrainingOptions options)
        : this(new ModelStep((model ?? throw new ArgumentNullException(nameof(model))).Model, new TemplatePromptSource(model)), options)
    {
    }

    /// <summary>Creates a trainer whose step prompts are written by <paramref name="prompt"/>.</summary>
    /// <param name="model">The policy, trained in place.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="prompt">Writes one elimination step's prompt for a query and the indices of its remaining candidates, in
    /// the order to show them, ending where the model's answer starts: after <c>&lt;answer&gt;</c> (Choice and Answer
    /// modes) or <c>&lt;think&gt;</c> (Reasoning), as the built-in templates do.</param>
    /// <param name="options">Hyperparameters; copied, then validated.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public EliminationTrainer(Qwen2ForCausalLM model, TextTokenizer tokenizer, Func<RankingQuery, IReadOnlyList<int>, string> prompt, TrainingOptions options)
        : this(new ModelStep(model, new DelegatePromptSource(tokenizer, prompt)), options)
    {
    }

    internal EliminationTrainer(ModelStep step, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TorchRuntime.EnsureInitialized();
        this.options = options.Clone();
        this.options.Validate();
        this.step = step;
        policy = new TrainablePolicy(step.Model, this.options);
        losses = new PolicyLosses(step, policy, this.options);
        rewards = new EliminationRewards(this.options.Rewards ?? EliminationRewards.Standard(this.options.Mode));
        progress = new TrainerProgress(this.options);
        samples = new TrainingSamples(step, this.options, progress, rewards);
    }

    /// <summary>The options in use (a validated copy).</summary>
    public TrainingOptions Options => options;

    /// <summary>Runs only the warm-start phase (the steps of <see cref="TrainingOptions.WarmStartSteps"/> not yet done).</summary>
    /// <param name="train">Training queries, labels on every candidate.</param>
    /// <param name="progress">Receives each step's metrics.</param>
    /// <param name="cancellationToken">Checked between micro-steps; cancelling throws <see cref="OperationCanceledException"/>
    /// and keeps the newest checkpoint.</param>
    public TrainingSummary WarmStart(IReadOnlyList<RankingQuery> train, IProgress<TrainingStepMetrics>? progress = null, CancellationToken cancellationToken = default) =>
        Run(train, null, progress, cancellationToken, reinforcement: false);

    /// <summary>Runs the warm start (where configured and not yet done), then reinforcement learning.</summary>
    /// <param name="train">Training queries, labels on every candidate.</param>
    /// <param name="eval">Held-out queries for greedy evaluation before, every <see cref="TrainingOptions.EvaluationInterval"/> steps, and after; or null.</param>
    /// <param name="progress">Receives each step's metrics.</param>
    /// <param name="cancellationToken">Checked between micro-steps; cancelling throws <see cref="OperationCanceledException"/>
    /// and keeps the newest checkpoint.</param>
    /// <exception cref="ArgumentException">A query has fewer than two candidates or a candidate without a label.</exception>
    /// <exception cref="InvalidOperationException">The loss or the gradients became NaN or infinite.</exception>
    public TrainingSummary Train(IReadOnlyList<RankingQuery> train, IReadOnlyList<RankingQuery>? eval = null,
        IProgress<TrainingStepMetrics>? progress = null, CancellationToken cancellationToken = default) =>
        Run(train, eval, progress, cancellationToken, reinforcement: true);

    /// <summary>
    /// Ranks <paramref name="queries"/> greedily with <see cref="IterativeRanker"/> in the training mode, through the
    /// trainer's own elimination step: step accuracy and MRR of the best candidate.
    /// </summary>
    public EvaluationMetrics Evaluate(IReadOnlyList<RankingQuery> queries)
    {
        ValidateQueries(queries, nameof(queries));
        return EvaluationOf(queries, Rank(queries));
    }

    /// <summary>The rankings the trainer's evaluation sees: <see cref="IterativeRanker"/> over the trainer's step, greedy.</summary>
    internal IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries)
    {
        bool training = step.Model.training;
        step.Model.eval();
        try
        {
            var ranker = new IterativeRanker(step, new RankerOptions
            {
                Mode = options.Mode,
                MaxAnswerTokens = options.MaxResponseTokens,
                MaxReasoningTokens = options.MaxResponseTokens,
            });
            return ranker.Rank(queries);
        }
        finally
        {
            if (training) step.Model.train();
        }
    }

    /// <summary>The trainer's losses (their <see cref="PolicyLosses.LogProbs"/> is the policy the trainer improves).</summary>
    internal PolicyLosses Losses => losses;

    /// <summary>What the trainer draws its samples from, and the row of a state (<see cref="TrainingSamples.Row"/>).</summary>
    internal TrainingSamples Samples => samples;

    private static EvaluationMetrics EvaluationOf(IReadOnlyList<RankingQuery> queries, IReadOnlyList<RankingResult> results)
    {
        int steps = 0, correct = 0, unparsed = 0;
        double reciprocal = 0;
        foreach (var result in results)
        {
            var query = result.Query;
            var pool = Enumerable.Range(0, query.Candidates.Count).ToList();
            foreach (var s in result.Steps.Where(s => s.Match != AnswerMatch.LastRemaining))
            {
                steps++;
                if (new EliminationState(query, pool).Worst().Contains(s.Eliminated)) correct++;
                if (s.Match is AnswerMatch.Fuzzy or AnswerMatch.Nearest) unparsed++;
                pool.Remove(s.Eliminated);
            }
            reciprocal += ListMetrics.ReciprocalRank(result.Order, query.Candidates.Select(c => c.Label!.Value).ToArray());
        }
        return new EvaluationMetrics(queries.Count, steps == 0 ? 0 : (double)correct / steps, queries.Count == 0 ? 0 : reciprocal / queries.Count, unparsed);
    }

    private TrainingSummary Run(IReadOnlyList<RankingQuery> train, IReadOnlyList<RankingQuery>? eval,
        IProgress<TrainingStepMetrics>? report, CancellationToken cancellationToken, bool reinforcement)
    {
        ValidateQueries(train, nameof(train));
        if (eval is not null) ValidateQueries(eval, nameof(eval));
        var clock = Stopwatch.StartNew();
        progress.Stream ??= NewQueryStream(train);
        int? resumedFrom = TrainerCheckpoints.TryResume(options.CheckpointFolder, progress, policy, options.LoraRank);
        var initial = eval is { Count: > 0 } ? Evaluate(eval) : null;
        string? lastCheckpoint = null;
        TrainingStepMetrics? last = null;
        int warmRun = 0, rlRun = 0;

        step.Model.train();
        while (progress.WarmStartDone < options.WarmStartSteps)
        {
            last = WarmStartStep(train, cancellationToken);
            progress.WarmStartDone++; warmRun++;
            last = AfterStep(last, eval, ref lastCheckpoint, final: progress.WarmStartDone == options.WarmStartSteps && !reinforcement);
            report?.Report(last);
        }

        if (reinforcement)
        {
            int total = ReinforcementSteps(train.Count);
            if (total > progress.ReinforcementDone) policy.EnsureReference();
            while (progress.ReinforcementDone < total)
            {
                last = ReinforcementStep(train, total, cancellationToken);
                progress.ReinforcementDone++; rlRun++;
                last = AfterStep(last, eval, ref lastCheckpoint, final: progress.ReinforcementDone == total);
                report?.Report(last);
            }
        }
        var final = eval is { Count: > 0 } ? last?.Evaluation ?? Evaluate(eval) : null;
        return new TrainingSummary(warmRun, rlRun, resumedFrom, clock.Elapsed.TotalSeconds, last, initial, final, lastCheckpoint);
    }

    private TrainingStepMetrics AfterStep(TrainingStepMetrics metrics, IReadOnlyList<RankingQuery>? eval, ref string? lastCheckpoint, bool final)
    {
        int global = progress.GlobalStep;
        if (options.CheckpointFolder is not null && (global % options.CheckpointInterval == 0 || final))
            lastCheckpoint = TrainerCheckpoints.Save(options.CheckpointFolder, options.KeepCheckpoints, progress, policy);
        if (eval is { Count: > 0 } && (final || (options.EvaluationInterval > 0 && global % options.EvaluationInterval == 0)))
            metrics = metrics with { Evaluation = Evaluate(eval) };
        return metrics;
    }

    /// <summary>The query stream, with <see cref="TrainingOptions.TaskWeights"/> applied.</summary>
    /// <exception cref="ArgumentException">A weighted task has no training query, or every query weighs 0.</exception>
    private QueryStream NewQueryStream(IReadOnlyList<RankingQuery> train)
    {
        if (options.TaskWeights is not { Count: > 0 } weights) return new QueryStream(train.Count);
        var tasks = train.Select(q => q.Task ?? "").ToHashSet(StringComparer.Ordinal);
        var unknown = weights.Keys.Where(t => !tasks.Contains(t)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"TaskWeights names {string.Join(", ", unknown.Select(t => $"'{t}'"))}, which no training query has " +
                $"as its task; the tasks of the training data are {string.Join(", ", tasks.Order(StringComparer.Ordinal).Select(t => $"'{t}'"))}.", nameof(train));
        var perQuery = train.Select(q => weights.TryGetValue(q.Task ?? "", out double w) ? w : 1.0).ToArray();
        if (perQuery.All(w => w == 0))
            throw new ArgumentException("TaskWeights give every training query weight 0; give at least one task a positive weight.", nameof(train));
        return new QueryStream(perQuery);
    }

    private int ReinforcementSteps(int queries) => options.Steps ??
        (int)Math.Ceiling(options.Epochs * queries / (options.PromptsPerStep * options.GradientAccumulationSteps));

    // ---- warm start ----------------------------------------------------------------------------------------------

    private TrainingStepMetrics WarmStartStep(IReadOnlyList<RankingQuery> train, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        losses.Tokens = 0;
        int batch = options.WarmStartBatchSize ?? options.PromptsPerStep;
        double lr = LearningRateScheduler.At(options.WarmStartLearningRate ?? options.LearningRate, progress.WarmStartDone, options.WarmStartSteps, options.WarmupSteps, LearningRateSchedule.Constant);
        policy.SetLearningRate(lr);
        policy.Optimizer.zero_grad();
        var (states, places, targets) = samples.WarmStartBatch(train, batch);
        var total = options.Mode == DecodingMode.Choice
            ? Accumulate(MicroBatcher.PlanRows(places.Select(p => p.Row).ToArray(), options.MicroBatchSize), i => states[i].Weight,
                chunk => losses.ChoiceWarmStart(chunk.Select(i => (states[i], places[i])).ToArray()), cancellationToken)
            : Accumulate(MicroBatcher.Plan(states.Length, options.MicroBatchSize, _ => 1, i => places[i].Row.Prompt.Length), _ => 1.0,
                chunk => losses.FreeTextWarmStart(chunk.Select(i => (places[i].Row, Target(states[i].Query, targets![i]))).ToArray()), cancellationToken);
        policy.Step(total.Loss, options.MaxGradNorm, TrainingPhase.WarmStart, progress.WarmStartDone + 1, options.CheckpointFolder);
        var seconds = clock.Elapsed.TotalSeconds;
        return new TrainingStepMetrics(TrainingPhase.WarmStart, progress.WarmStartDone + 1, options.WarmStartSteps, total.Loss, 0,
            new Dictionary<string, double>(), total.Accuracy, 0, 0, total.Entropy, total.LanguageModelLoss, 0, lr, losses.Tokens / seconds, seconds)
        { EliminationSteps = states.Length };
    }

    /// <summary>The supervised answer that eliminates <paramref name="candidate"/>, after the tag the prompt opened, ending the turn.</summary>
    private int[] Target(RankingQuery query, int candidate) =>
        [.. step.Prompts.Encode(DecodingModes.Answer(options.Mode, query.Candidates[candidate].Id)), step.Prompts.EndOfTurnId];

    /// <summary>The sums of the micro-batches' numbers, each weighted by its share of the items' weight; the losses are back-propagated.</summary>
    private sealed record StepTotals(double Loss, double Kl, double ClipFraction, double Entropy, double ValueLoss, double LanguageModelLoss, double Accuracy);

    private static StepTotals Accumulate(List<List<int>> chunks, Func<int, double> weight, Func<List<int>, MicroBatchLoss> loss, CancellationToken cancellationToken)
    {
        double all = chunks.Sum(chunk => chunk.Sum(weight));
        double l = 0, kl = 0, clip = 0, entropy = 0, value = 0, lm = 0, accuracy = 0;
        foreach (var chunk in chunks)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            double share = chunk.Sum(weight) / all;
            var part = loss(chunk);
            part.Loss.Times(share).backward();
            l += part.Loss.item<float>() * share;
            kl += part.Kl * share; clip += part.ClipFraction * share; entropy += part.Entropy * share;
            value += part.ValueLoss * share; lm += part.LanguageModelLoss * share; accuracy += part.Accuracy * share;
        }
        return new StepTotals(l, kl, clip, entropy, value, lm, accuracy);
    }

    // ---- reinforcement learning ----------------------------------------------------------------------------------

    private TrainingStepMetrics ReinforcementStep(IReadOnlyList<RankingQuery> train, int totalSteps, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        losses.Tokens = 0;
        double lr = LearningRateScheduler.At(options.LearningRate, progress.ReinforcementDone, totalSteps, options.WarmupSteps, options.Schedule);
        policy.SetLearningRate(lr);

        // Rollouts for every accumulation round, with the policy as it is before this step.
        var groups = new List<RolloutGroup>();
        for (int round = 0; round < options.GradientAccumulationSteps; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var states = samples.ReinforcementRound(train, round, out long rolloutTokens);
            losses.Tokens += rolloutTokens;
            var pending = states.Where(g => g.Answers.Count == 0).ToList();   // packed trajectories come with their answers
            losses.Tokens += options.Mode == DecodingMode.Choice
                ? ChoiceRollouts.Sample(step, pending, options, rewards, progress.Random)
                : FreeTextRollouts.Sample(step, pending, options, rewards, progress.Random);
            groups.AddRange(states);
        }
        foreach (var g in groups.Where(g => g.State.Trajectory >= 0))
            progress.Trajectories.Advance(g.State.Trajectory, g.Answers[0].Eliminated, progress.Random);
        ComputeAdvantages(groups);

        StepTotals total = null!;
        for (int update = 0; update < options.UpdatesPerRollout; update++)
        {
            policy.Optimizer.zero_grad();
            bool first = update == 0;
            var chunks = options.Mode == DecodingMode.Choice
                ? MicroBatcher.PlanRows(groups.Select(g => g.Row).ToArray(), options.MicroBatchSize)
                : MicroBatcher.Plan(groups.Count, options.MicroBatchSize, i => groups[i].Answers.Count, i => groups[i].Row.Prompt.Length);
            total = Accumulate(chunks, i => groups[i].State.Weight, chunk =>
            {
                var batch = chunk.Select(i => groups[i]).ToArray();
                return options.Mode == DecodingMode.Choice ? losses.Choice(batch, first) : losses.FreeText(batch, first);
            }, cancellationToken);
            policy.Step(total.Loss, options.MaxGradNorm, TrainingPhase.Reinforcement, progress.ReinforcementDone + 1, options.CheckpointFolder);
        }

        var answers = groups.SelectMany(g => g.Answers.Select(a => (g, a))).ToArray();
        var parts = rewards.Names.ToDictionary(n => n, n => answers.Average(x => x.a.Reward.Parts[n]));
        double accuracy = answers.Average(x => x.a.Eliminated is { } e && x.g.State.Worst().Contains(e) ? 1.0 : 0.0);
        var seconds = clock.Elapsed.TotalSeconds;
        return new TrainingStepMetrics(TrainingPhase.Reinforcement, progress.ReinforcementDone + 1, totalSteps, total.Loss,
            answers.Average(x => x.a.Reward.Total), parts, accuracy, total.Kl, total.ClipFraction,
            total.Entropy, 0, total.ValueLoss, lr, losses.Tokens / seconds, seconds)
        { EliminationSteps = groups.Count };
    }

    private void ComputeAdvantages(List<RolloutGroup> groups)
    {
        if (options.Algorithm != RlAlgorithm.Grpo) return;   // PPO: from the value head, inside the loss
        using var scope = NewDisposeScope();
        var r = tensor(groups.SelectMany(g => g.Answers.Select(a => (float)a.Reward.Total)).ToArray()).reshape(groups.Count, options.GroupSize); // [P, G]
        var a = GroupAdvantages.Compute(r, options.AdvantageEpsilon).data<float>().ToArray();
        int k = 0;
        foreach (var g in groups) foreach (var answer in g.Answers) answer.Advantage = a[k++];
    }

    private static void ValidateQueries(IReadOnlyList<RankingQuery> queries, string name)
    {
        CandidateIdValidation.Check(queries, name);   // reliability: IDs non-empty and unique
        for (int i = 0; i < queries.Count; i++)
        {
            var q = queries[i];
            if (q.Candidates.Count < 2)
                throw new ArgumentException($"Query {i} ('{q.QueryId ?? q.Context}') in {name} has {q.Candidates.Count} candidate(s); elimination needs at least 2.", name);
            if (!q.HasLabels)
                throw new ArgumentException($"Query {i} ('{q.QueryId ?? q.Context}') in {name} has candidates without a label; training and evaluation need a label (0..4) on every candidate.", name);
        }
    }
}
