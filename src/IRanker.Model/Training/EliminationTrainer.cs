using System.Diagnostics;
using IRanker.Model.Generation;
using IRanker.Model.Modeling;
using IRanker.Model.Ranking;
using IRanker.Model.Ranking.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using IRanker.Model.Training.Objectives;
using IRanker.Model.Training.Rewards;
using IRanker.Model.Training.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>
/// Teaches a causal LM to rank by elimination: an optional supervised warm start, then GRPO or PPO on rewarded
/// elimination steps, with checkpoints that resume exactly.
/// </summary>
/// <remarks>
/// <para>The model is trained in place. A checkpoint folder that already holds checkpoints makes
/// <see cref="Train"/> resume from the newest one (weights, optimiser moments, random states, progress).</para>
/// <para>NaN or infinity in the loss or the gradients stops training with <see cref="InvalidOperationException"/>
/// before the optimiser step; the newest checkpoint is then the last good state.</para>
/// </remarks>
/// <example>
/// <code>
/// var tokenizer = CompactTokenizer.Build(corpus);
/// var model = new Qwen2ForCausalLM(Qwen2Config.Tiny(tokenizer.VocabSize));
/// var trainer = new EliminationTrainer(model, tokenizer, (query, remaining) =&gt; myTemplate.Build(query, remaining),
///     new TrainingOptions { WarmStartSteps = 1000, WarmStartLearningRate = 1e-3, LearningRate = 3e-4, Steps = 300 });
/// TrainingSummary summary = trainer.Train(trainQueries, evalQueries,
///     new Progress&lt;TrainingStepMetrics&gt;(m =&gt; Console.WriteLine($"{m.Phase} {m.Step} reward {m.Reward:F2}")));
/// </code>
/// </example>
public sealed class EliminationTrainer
{
    private readonly Qwen2ForCausalLM model;
    private readonly TrainingOptions options;
    private readonly StepPrompter prompter;
    private readonly EliminationRewards rewards;
    private readonly ValueHead? valueHead;
    private readonly TorchSharp.Modules.AdamW optimizer;
    private readonly List<TorchSharp.Modules.Parameter> trainable;
    private Qwen2ForCausalLM? reference;
    private TrainingRandom random;
    private QueryStream? stream;
    private TrajectoryPool trajectories;
    private int warmStartDone, reinforcementDone;
    private long tokensThisStep;

    /// <summary>Creates a trainer for <paramref name="model"/>, which it trains in place.</summary>
    /// <param name="model">The policy.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="prompt">Builds the text of one elimination step's prompt for a query and the indices of its remaining
    /// candidates, in the order to show them (for example a prompt template's step prompt, chat-formatted up to the
    /// start of the assistant's answer).</param>
    /// <param name="options">Hyperparameters; copied, then validated.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public EliminationTrainer(Qwen2ForCausalLM model, TextTokenizer tokenizer, Func<RankingQuery, IReadOnlyList<int>, string> prompt, TrainingOptions options)
    {
        TorchRuntime.EnsureInitialized();
        this.model = model;
        this.options = options.Clone();
        this.options.Validate();
        prompter = new StepPrompter(tokenizer, prompt, this.options);
        rewards = new EliminationRewards(this.options.Rewards ?? EliminationRewards.Standard(this.options.Decoding));
        random = new TrainingRandom(this.options.Seed);
        trajectories = new TrajectoryPool(this.options.PromptsPerStep * this.options.GradientAccumulationSteps);
        if (this.options.LoraRank > 0)
        {
            if (model.Lora is null) model.ApplyLora(new LoraOptions { Rank = this.options.LoraRank, Alpha = this.options.LoraAlpha });
            else if (model.Lora.Rank != this.options.LoraRank)
                throw new ArgumentException(
                    $"The model already has LoRA adapters of rank {model.Lora.Rank}, but TrainingOptions.LoraRank is {this.options.LoraRank}. " +
                    "Set LoraRank to the adapters' rank, or merge them (MergeLora) first.", nameof(options));
        }
        trainable = model.TrainableParameters().ToList();
        if (this.options.Algorithm == RlAlgorithm.Ppo)
        {
            using (no_grad()) valueHead = new ValueHead(model.Config.HiddenSize);
            valueHead.to(model.Device).to(model.DType);
            trainable.AddRange(valueHead.parameters());
        }
        optimizer = optim.AdamW(trainable, this.options.LearningRate, weight_decay: this.options.WeightDecay);
    }

    /// <summary>
    /// Creates a trainer whose prompts come from a scenario's <see cref="PromptTemplate"/>: <see cref="PromptMode.Choice"/>
    /// for Choice decoding, <see cref="PromptMode.Reasoning"/> or <see cref="PromptMode.Answer"/> for free text (by
    /// <see cref="TrainingOptions.ResponseFormat"/>). Unless set, <see cref="TrainingOptions.AssistantPrefix"/> becomes the
    /// tag that the template's assistant prefix ends with (<c>&lt;think&gt;</c> or <c>&lt;answer&gt;</c>).
    /// </summary>
    /// <param name="model">The policy.</param>
    /// <param name="tokenizer">The model's tokenizer.</param>
    /// <param name="template">The prompt template, e.g. <c>PromptTemplate.For(RankingScenario.Passage)</c>.</param>
    /// <param name="options">Hyperparameters; copied, then validated.</param>
    public EliminationTrainer(Qwen2ForCausalLM model, TextTokenizer tokenizer, PromptTemplate template, TrainingOptions options)
        : this(model, tokenizer, (query, remaining) => template.BuildStep(query, remaining, ModeOf(options)).Text, WithTemplatePrefix(options))
    {
    }

    private static PromptMode ModeOf(TrainingOptions options) => options.Decoding == RolloutDecoding.Choice
        ? PromptMode.Choice
        : options.ResponseFormat == ResponseFormat.Reasoning ? PromptMode.Reasoning : PromptMode.Answer;

    /// <summary>
    /// A copy of <paramref name="options"/> whose <see cref="TrainingOptions.AssistantPrefix"/>, unless set, is the tag that a
    /// template's assistant prefix ends with in the mode the options imply (<c>&lt;think&gt;</c> or <c>&lt;answer&gt;</c>).
    /// </summary>
    internal static TrainingOptions WithTemplatePrefix(TrainingOptions options)
    {
        var copy = options.Clone();
        if (copy.AssistantPrefix.Length == 0)
        {
            string prefix = ModeOf(options) == PromptMode.Reasoning ? PromptTemplate.ReasoningPrefix : PromptTemplate.AnswerPrefix;
            int tag = prefix.IndexOf('<');
            copy.AssistantPrefix = tag < 0 ? "" : prefix[tag..];
        }
        return copy;
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

    /// <summary>Greedy iterative elimination on <paramref name="queries"/>: step accuracy and MRR of the best candidate.</summary>
    public EvaluationMetrics Evaluate(IReadOnlyList<RankingQuery> queries)
    {
        ValidateQueries(queries, nameof(queries));
        int steps = 0, correct = 0, unparsed = 0;
        double reciprocal = 0;
        var pools = queries.Select(q => Enumerable.Range(0, q.Candidates.Count).ToList()).ToArray();
        var eliminated = queries.Select(_ => new List<int>()).ToArray();
        using (no_grad())
        {
            while (true)
            {
                var active = Enumerable.Range(0, queries.Count).Where(i => pools[i].Count > 1).ToArray();
                if (active.Length == 0) break;
                var states = active.Select(i => new EliminationState(queries[i], pools[i].ToArray())).ToArray();
                var choices = GreedyChoices(states);
                for (int k = 0; k < active.Length; k++)
                {
                    int q = active[k];
                    int? choice = choices[k];
                    if (choice is null) { unparsed++; choice = pools[q][0]; }
                    steps++;
                    if (states[k].Worst().Contains(choice.Value)) correct++;
                    pools[q].Remove(choice.Value);
                    eliminated[q].Add(choice.Value);
                }
            }
        }
        for (int q = 0; q < queries.Count; q++)
        {
            var order = new List<int>(pools[q]);
            order.AddRange(Enumerable.Reverse(eliminated[q]));
            float best = queries[q].Candidates.Max(c => c.Label!.Value);
            int rank = order.FindIndex(i => queries[q].Candidates[i].Label!.Value == best) + 1;
            reciprocal += 1.0 / rank;
        }
        return new EvaluationMetrics(queries.Count, steps == 0 ? 0 : (double)correct / steps, queries.Count == 0 ? 0 : reciprocal / queries.Count, unparsed);
    }

    private TrainingSummary Run(IReadOnlyList<RankingQuery> train, IReadOnlyList<RankingQuery>? eval,
        IProgress<TrainingStepMetrics>? progress, CancellationToken cancellationToken, bool reinforcement)
    {
        ValidateQueries(train, nameof(train));
        if (eval is not null) ValidateQueries(eval, nameof(eval));
        var clock = Stopwatch.StartNew();
        stream ??= NewQueryStream(train);
        int? resumedFrom = TryResume();
        var initial = eval is { Count: > 0 } ? Evaluate(eval) : null;
        string? lastCheckpoint = null;
        TrainingStepMetrics? last = null;
        int warmRun = 0, rlRun = 0;

        model.train();
        while (warmStartDone < options.WarmStartSteps)
        {
            last = WarmStartStep(train, cancellationToken);
            warmStartDone++; warmRun++;
            last = AfterStep(last, eval, ref lastCheckpoint, final: warmStartDone == options.WarmStartSteps && !reinforcement);
            progress?.Report(last);
        }

        if (reinforcement)
        {
            int total = ReinforcementSteps(train.Count);
            if (options.KlCoefficient > 0 && reference is null && model.Lora is null && total > reinforcementDone) reference = FrozenCopy(model);
            while (reinforcementDone < total)
            {
                last = ReinforcementStep(train, total, cancellationToken);
                reinforcementDone++; rlRun++;
                last = AfterStep(last, eval, ref lastCheckpoint, final: reinforcementDone == total);
                progress?.Report(last);
            }
        }
        var final = eval is { Count: > 0 } ? last?.Evaluation ?? Evaluate(eval) : null;
        return new TrainingSummary(warmRun, rlRun, resumedFrom, clock.Elapsed.TotalSeconds, last, initial, final, lastCheckpoint);
    }

    private TrainingStepMetrics AfterStep(TrainingStepMetrics metrics, IReadOnlyList<RankingQuery>? eval, ref string? lastCheckpoint, bool final)
    {
        int global = warmStartDone + reinforcementDone;
        if (options.CheckpointFolder is not null && (global % options.CheckpointInterval == 0 || final))
            lastCheckpoint = SaveCheckpoint(options.CheckpointFolder);
        if (eval is { Count: > 0 } && (final || (options.EvaluationInterval > 0 && global % options.EvaluationInterval == 0)))
        {
            metrics = metrics with { Evaluation = Evaluate(eval) };
            model.train();
        }
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
        tokensThisStep = 0;
        int batch = options.WarmStartBatchSize ?? options.PromptsPerStep;
        var states = Enumerable.Range(0, batch).Select(_ => SubListSampler.Draw(train[stream!.Next(random)], random, options.ShuffleCandidates)).ToArray();
        var targets = states.Select(s => s.Worst()).Select(w => w[random.NextInt(w.Count)]).ToArray();
        double lr = LearningRateScheduler.At(options.WarmStartLearningRate ?? options.LearningRate, warmStartDone, options.WarmStartSteps, options.WarmupSteps, LearningRateSchedule.Constant);
        SetLearningRate(lr);
        optimizer.zero_grad();
        double loss = 0, lmLoss = 0, accuracy = 0, entropy = 0;
        var prompts = states.Select(prompter.Prompt).ToArray();
        foreach (var chunk in MicroBatches(states.Length, _ => 1, i => prompts[i].Length))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            double share = (double)chunk.Count / states.Length;
            var part = options.Decoding == RolloutDecoding.Choice
                ? ChoiceWarmStartLoss(chunk.Select(i => (states[i], prompts[i])).ToArray())
                : FreeTextWarmStartLoss(chunk.Select(i => (prompts[i], prompter.Target(states[i].Query, targets[i]))).ToArray());
            var total = part.Supervised + options.LanguageModelLossWeight * part.LanguageModel;     // []
            (total * share).backward();
            loss += total.item<float>() * share;
            lmLoss += part.LanguageModel.item<float>() * share;
            accuracy += part.Accuracy * share;
            entropy += part.Entropy * share;
        }
        OptimizerStep(loss, TrainingPhase.WarmStart, warmStartDone + 1);
        var seconds = clock.Elapsed.TotalSeconds;
        return new TrainingStepMetrics(TrainingPhase.WarmStart, warmStartDone + 1, options.WarmStartSteps, loss, 0,
            new Dictionary<string, double>(), accuracy, 0, 0, entropy, lmLoss, 0, lr, tokensThisStep / seconds, seconds);
    }

    private sealed record WarmStartPart(Tensor Supervised, Tensor LanguageModel, double Accuracy, double Entropy);

    private WarmStartPart ChoiceWarmStartLoss(IReadOnlyList<(EliminationState State, int[] Prompt)> items)
    {
        var scores = Choices(model, items, lm: options.LanguageModelLossWeight > 0);
        var losses = new List<Tensor>();
        double correct = 0, entropy = 0;
        for (int k = 0; k < items.Count; k++)
        {
            var s = items[k].State;
            var logp = scores.LogProbs[k];                                                   // [m]
            var worst = s.Worst();
            var isWorst = tensor(s.Remaining.Select(c => worst.Contains(c)).ToArray(), device: logp.device);
            // -log of the probability mass on the set of minimum-label candidates
            losses.Add(-logp.masked_fill(isWorst.logical_not(), double.NegativeInfinity).logsumexp(0));
            using (no_grad())
            {
                if (worst.Contains(s.Remaining[(int)logp.argmax().item<long>()])) correct++;
                entropy += TokenEntropy.Compute(logp.detach()).item<float>();
            }
        }
        var supervised = stack(losses).mean();
        return new WarmStartPart(supervised, scores.LanguageModel ?? zeros(1, device: supervised.device).sum(), correct / items.Count, entropy / items.Count);
    }

    private WarmStartPart FreeTextWarmStartLoss(IReadOnlyList<(int[] Prompt, int[] Target)> rows)
    {
        var scored = Score(model, rows, 1.0, lm: options.LanguageModelLossWeight > 0);
        var nll = -MaskedMean.PerRow(scored.LogProbs, scored.Mask).mean();                   // []
        double accuracy, entropy;
        using (no_grad())
        {
            // Teacher-forced: the fraction of target tokens that are the most likely next token (log-prob > log 0.5).
            accuracy = MaskedMean.All(scored.LogProbs.gt(Math.Log(0.5)).to_type(ScalarType.Float32), scored.Mask).item<float>();
            entropy = MaskedMean.All(scored.Entropy, scored.Mask).item<float>();
        }
        return new WarmStartPart(nll, scored.PromptLanguageModelLoss ?? zeros(1, device: nll.device).sum(), accuracy, entropy);
    }

    // ---- reinforcement learning ----------------------------------------------------------------------------------

    private sealed class Answer
    {
        public int? Chosen;
        public int[] Tokens = [];
        public Tensor? OldLogProbs;     // [T] (free text) or [] (choice), detached, CPU
        public int? Eliminated;
        public RewardBreakdown Reward = null!;
        public double Advantage;
    }

    private sealed record Group(EliminationState State, int[] Prompt, List<Answer> Answers);

    private TrainingStepMetrics ReinforcementStep(IReadOnlyList<RankingQuery> train, int totalSteps, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        tokensThisStep = 0;
        double lr = LearningRateScheduler.At(options.LearningRate, reinforcementDone, totalSteps, options.WarmupSteps, options.Schedule);
        SetLearningRate(lr);

        // Rollouts for every accumulation round, with the policy as it is before this step.
        var groups = new List<Group>();
        for (int round = 0; round < options.GradientAccumulationSteps; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var states = DrawStates(train, round);
            using (no_grad()) groups.AddRange(Rollout(states));
        }
        foreach (var g in groups.Where(g => g.State.Trajectory >= 0))
            trajectories.Advance(g.State.Trajectory, g.Answers[0].Eliminated, random);
        ComputeAdvantages(groups);

        var sums = new Dictionary<string, double>();
        double loss = 0;
        for (int update = 0; update < options.UpdatesPerRollout; update++)
        {
            optimizer.zero_grad();
            sums.Clear();
            loss = 0;
            foreach (var chunk in MicroBatches(groups.Count, i => options.Decoding == RolloutDecoding.Choice ? 1 : groups[i].Answers.Count, i => groups[i].Prompt.Length))
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                double share = (double)chunk.Count / groups.Count;
                var batch = chunk.Select(i => groups[i]).ToArray();
                var (total, stats) = options.Decoding == RolloutDecoding.Choice ? ChoiceLoss(batch, update) : FreeTextLoss(batch, update);
                (total * share).backward();
                loss += total.item<float>() * share;
                foreach (var (k, v) in stats) sums[k] = sums.GetValueOrDefault(k) + v * share;
            }
            OptimizerStep(loss, TrainingPhase.Reinforcement, reinforcementDone + 1);
        }

        var answers = groups.SelectMany(g => g.Answers.Select(a => (g, a))).ToArray();
        var parts = rewards.Names.ToDictionary(n => n, n => answers.Average(x => x.a.Reward.Parts[n]));
        double accuracy = answers.Average(x => x.a.Eliminated is { } e && x.g.State.Worst().Contains(e) ? 1.0 : 0.0);
        var seconds = clock.Elapsed.TotalSeconds;
        return new TrainingStepMetrics(TrainingPhase.Reinforcement, reinforcementDone + 1, totalSteps, loss,
            answers.Average(x => x.a.Reward.Total), parts, accuracy, sums.GetValueOrDefault("kl"), sums.GetValueOrDefault("clip"),
            sums.GetValueOrDefault("entropy"), 0, sums.GetValueOrDefault("value"), lr, tokensThisStep / seconds, seconds);
    }

    private EliminationState[] DrawStates(IReadOnlyList<RankingQuery> train, int round)
    {
        int n = options.PromptsPerStep;
        int fromTrajectories = options.Samples switch
        {
            SampleSource.Trajectories => n,
            SampleSource.Mixed => n / 2,
            _ => 0,
        };
        var states = new EliminationState[n];
        for (int i = 0; i < n; i++)
            states[i] = i < fromTrajectories
                ? trajectories.Current(round * n + i, train, stream!, random, options.ShuffleCandidates)
                : SubListSampler.Draw(train[stream!.Next(random)], random, options.ShuffleCandidates);
        return states;
    }

    private List<Group> Rollout(IReadOnlyList<EliminationState> states)
    {
        var groups = states.Select(s => new Group(s, prompter.Prompt(s), [])).ToList();
        if (options.Decoding == RolloutDecoding.Choice)
        {
            foreach (var chunk in MicroBatches(groups.Count, _ => 1, i => groups[i].Prompt.Length))
            {
                using var scope = NewDisposeScope();
                var batch = chunk.Select(i => groups[i]).ToArray();
                var logps = Choices(model, batch.Select(g => (g.State, g.Prompt)).ToArray(), lm: false).LogProbs;   // per group [m]
                for (int k = 0; k < batch.Length; k++)
                {
                    var probs = logps[k].exp().to_type(ScalarType.Float64).cpu().data<double>().ToArray();
                    for (int g = 0; g < options.GroupSize; g++)
                    {
                        int pick = random.Categorical(probs);
                        int chosen = batch[k].State.Remaining[pick];
                        var answer = new Answer { Chosen = chosen, Eliminated = chosen, OldLogProbs = logps[k][pick].detach().cpu().MoveToOuterDisposeScope() };
                        answer.Reward = rewards.Score(new RewardInput(batch[k].State.Query, batch[k].State.Remaining, "", chosen, options.ResponseFormat, options.AssistantPrefix));
                        batch[k].Answers.Add(answer);
                    }
                }
            }
            return groups;
        }

        var generator = new TokenGenerator(model);
        var generation = new GenerationOptions
        {
            MaxNewTokens = options.MaxResponseTokens,
            DoSample = true,
            Temperature = options.Temperature,
            StopTokenIds = prompter.Tokenizer.StopTokenIds.ToArray(),
            PadTokenId = prompter.Tokenizer.PadTokenId,
            Seed = (long)(random.NextULong() >> 1),
        };
        var prompts = groups.SelectMany(g => Enumerable.Repeat<IReadOnlyList<int>>(g.Prompt, options.GroupSize)).ToList();
        var sequences = generator.Generate(prompts, generation);
        tokensThisStep += prompts.Sum(p => p.Count) + sequences.Sum(s => s.TokenIds.Length);
        for (int i = 0; i < sequences.Count; i++)
        {
            var group = groups[i / options.GroupSize];
            var text = prompter.Decode(sequences[i].TokenIds);
            var input = new RewardInput(group.State.Query, group.State.Remaining, text, null, options.ResponseFormat, options.AssistantPrefix);
            var answerText = AnswerTags.LastAnswer(input.AssistantText);
            group.Answers.Add(new Answer
            {
                Tokens = sequences[i].TokenIds,
                Eliminated = answerText is null ? null : ExclusionReward.FindCandidate(group.State.Query, group.State.Remaining, answerText),
                Reward = rewards.Score(input),
            });
        }
        return groups;
    }

    private void ComputeAdvantages(List<Group> groups)
    {
        if (options.Algorithm != RlAlgorithm.Grpo) return;   // PPO: from the value head, inside the loss
        using var scope = NewDisposeScope();
        var r = tensor(groups.SelectMany(g => g.Answers.Select(a => (float)a.Reward.Total)).ToArray()).reshape(groups.Count, options.GroupSize); // [P, G]
        var a = GroupAdvantages.Compute(r, options.AdvantageEpsilon).data<float>().ToArray();
        int k = 0;
        foreach (var g in groups) foreach (var answer in g.Answers) answer.Advantage = a[k++];
    }

    /// <summary>Choice mode: the policy is a softmax over the remaining candidates' sequence log-probabilities.</summary>
    private (Tensor Loss, Dictionary<string, double> Stats) ChoiceLoss(IReadOnlyList<Group> batch, int update)
    {
        var items = batch.Select(g => (g.State, g.Prompt)).ToArray();
        var scores = Choices(model, items, lm: false);
        var (policy, hidden) = (scores.LogProbs, scores.Hidden);                               // per group [m] and [H]
        List<Tensor>? referenceLogps = null;
        if (HasReference)
            using (no_grad())
            using (EnterReference())
                referenceLogps = Choices(reference ?? model, items, lm: false).LogProbs;
        var losses = new List<Tensor>();
        double kl = 0, clip = 0, entropy = 0, valueLoss = 0;
        for (int k = 0; k < batch.Count; k++)
        {
            var group = batch[k];
            var picks = tensor(group.Answers.Select(a => (long)IndexIn(group.State.Remaining, a.Chosen!.Value)).ToArray(), device: policy[k].device);
            var logp = policy[k].index_select(0, picks).unsqueeze(0);                          // [1, G]
            if (update == 0) foreach (var (a, g) in group.Answers.Select((a, g) => (a, g))) a.OldLogProbs = policy[k][picks[g]].detach().cpu().MoveToOuterDisposeScope();
            var old = stack(group.Answers.Select(a => a.OldLogProbs!.to(logp.device)).ToArray()).unsqueeze(0);  // [1, G]
            var rewardsT = tensor(group.Answers.Select(a => (float)a.Reward.Total).ToArray(), device: logp.device).unsqueeze(0); // [1, G]
            Tensor advantages, term = zeros(1, device: logp.device).sum();
            if (valueHead is not null)
            {
                var v = valueHead.forward(hidden[k]);                                          // [] value of the state
                advantages = rewardsT - v.detach();                                            // [1, G]: GAE with one step
                var vl = 0.5 * (v - rewardsT).pow(2).mean();
                term = term + options.ValueLossCoefficient * vl;
                valueLoss += vl.item<float>();
            }
            else
            {
                advantages = tensor(group.Answers.Select(a => (float)a.Advantage).ToArray(), device: logp.device).unsqueeze(0); // [1, G]
            }
            var (policyLoss, clipped) = ClippedPolicyLoss.Compute(logp, old, advantages, options.ClipEpsilon);  // [1, G]
            var h = TokenEntropy.Compute(policy[k]);                                            // [] entropy of the choice distribution
            var groupLoss = policyLoss.mean() - options.EntropyCoefficient * h + term;
            if (referenceLogps is not null)
            {
                var k3 = KlPenalty.K3(logp, referenceLogps[k].index_select(0, picks).unsqueeze(0)).mean();
                groupLoss = groupLoss + options.KlCoefficient * k3;
                kl += k3.item<float>();
            }
            clip += clipped.mean().item<float>();
            entropy += h.item<float>();
            losses.Add(groupLoss);
        }
        int n = batch.Count;
        return (stack(losses).mean(), new() { ["kl"] = kl / n, ["clip"] = clip / n, ["entropy"] = entropy / n, ["value"] = valueLoss / n });
    }

    /// <summary>Free-text mode: per-token PPO-clip, k3 and entropy on each generated response.</summary>
    private (Tensor Loss, Dictionary<string, double> Stats) FreeTextLoss(IReadOnlyList<Group> batch, int update)
    {
        var rows = batch.SelectMany(g => g.Answers.Select(a => (g.Prompt, a.Tokens))).ToList();
        var answers = batch.SelectMany(g => g.Answers).ToList();
        var scored = Score(model, rows, options.Temperature, lm: false);
        var mask = scored.Mask;                                                              // [R, T]
        long steps = mask.shape[1];
        if (update == 0)
            for (int i = 0; i < answers.Count; i++) answers[i].OldLogProbs = scored.LogProbs[i].detach().cpu().MoveToOuterDisposeScope();
        var old = stack(answers.Select(a => a.OldLogProbs!.narrow(0, 0, steps).to(mask.device)).ToArray());  // [R, T]
        Tensor advantages, extra = zeros(1, device: mask.device).sum();
        double valueLoss = 0;
        if (valueHead is not null)
        {
            var values = valueHead.forward(scored.Hidden) * mask;                             // [R, T]
            var last = mask.sum(1).to_type(ScalarType.Int64) - 1;                             // [R]
            var tokenRewards = zeros_like(mask).scatter(1, last.unsqueeze(1),
                tensor(answers.Select(a => (float)a.Reward.Total).ToArray(), device: mask.device).unsqueeze(1));  // [R, T]
            var (adv, returns) = GeneralizedAdvantage.Compute(tokenRewards, values, mask, options.Gamma, options.Lambda);
            advantages = adv;
            var vl = 0.5 * MaskedMean.PerRow((values - returns).pow(2), mask).mean();
            extra = extra + options.ValueLossCoefficient * vl;
            valueLoss = vl.item<float>();
        }
        else
        {
            advantages = tensor(answers.Select(a => (float)a.Advantage).ToArray(), device: mask.device).unsqueeze(1);  // [R, 1]
        }
        var (policyLoss, clipped) = ClippedPolicyLoss.Compute(scored.LogProbs, old, advantages, options.ClipEpsilon);  // [R, T]
        var perToken = policyLoss - options.EntropyCoefficient * scored.Entropy;                                         // [R, T]
        double kl = 0;
        if (HasReference)
        {
            Tensor referenceLogps;
            using (no_grad())
            using (EnterReference())
                referenceLogps = Score(reference ?? model, rows, options.Temperature, lm: false).LogProbs;
            var k3 = KlPenalty.K3(scored.LogProbs, referenceLogps);                           // [R, T]
            perToken = perToken + options.KlCoefficient * k3;
            kl = MaskedMean.PerRow(k3, mask).mean().item<float>();
        }
        var loss = MaskedMean.PerRow(perToken, mask).mean() + extra;
        return (loss, new()
        {
            ["kl"] = kl,
            ["clip"] = MaskedMean.All(clipped, mask).item<float>(),
            ["entropy"] = MaskedMean.All(scored.Entropy, mask).item<float>(),
            ["value"] = valueLoss,
        });
    }

    // ---- shared pieces -------------------------------------------------------------------------------------------

    /// <summary>Whether the KL penalty applies: a frozen copy, or with LoRA the base model with its adapters off.</summary>
    private bool HasReference => options.KlCoefficient > 0 && (reference is not null || model.Lora is not null);

    /// <summary>With LoRA, switches the adapters off until disposed (the reference is the base); otherwise nothing.</summary>
    private IDisposable? EnterReference() => reference is null && model.Lora is not null ? model.DisableAdapters() : null;

    private sealed record ChoiceScores(List<Tensor> LogProbs, List<Tensor> Hidden, Tensor? LanguageModel);

    /// <summary>
    /// Per item, [m] log-probabilities of choosing each remaining candidate (softmax over the candidates of their ID's
    /// sequence log-probability, divided by the temperature) and [H] the hidden state where the answer starts;
    /// optionally the next-token loss over the prompts.
    /// </summary>
    private ChoiceScores Choices(Qwen2ForCausalLM policy, IReadOnlyList<(EliminationState State, int[] Prompt)> items, bool lm)
    {
        var logps = new Tensor[items.Count];
        var hidden = new Tensor[items.Count];
        var layouts = items.Select(x => Layout(x.State)).ToArray();
        Tensor? lmSum = null;

        var fast = Enumerable.Range(0, items.Count).Where(i => layouts[i].IsSingleRow).ToArray();
        if (fast.Length > 0)
        {
            var rows = fast.Select(i => (int[])[.. items[i].Prompt, .. layouts[i].SharedPrefix!]).ToList();
            tokensThisStep += rows.Sum(r => r.Length);
            var next = NextTokenScorer.Score(policy, rows, fast.Select(i => items[i].Prompt.Length).ToList(), prompter.Tokenizer.PadTokenId, lm);
            for (int k = 0; k < fast.Length; k++)
            {
                int i = fast[k];
                var tokens = tensor(layouts[i].LastTokens, device: next.Logits.device);
                logps[i] = (next.Logits[k].index_select(0, tokens) / options.Temperature).log_softmax(0);   // [m]
                hidden[i] = next.Hidden[k];                                                                 // [H]
            }
            if (next.PromptLanguageModelLoss is { } l) lmSum = l * fast.Length;
        }

        var slow = Enumerable.Range(0, items.Count).Where(i => !layouts[i].IsSingleRow).ToArray();
        if (slow.Length > 0)
        {
            // Multi-token IDs that differ before their last token: the prompt once, every ID as a branch after it.
            var rows = slow.Select(i => (items[i].Prompt, layouts[i].Sequences)).ToList();
            tokensThisStep += rows.Sum(x => x.Prompt.Length + x.Sequences.Sum(c => c.Length));
            var scored = BranchScorer.Score(policy, rows, prompter.Tokenizer.PadTokenId, lm);
            for (int k = 0; k < slow.Length; k++)
            {
                int i = slow[k];
                logps[i] = (scored.SequenceLogProbs[k] / options.Temperature).log_softmax(0);               // [m]
                hidden[i] = scored.Hidden[k];                                                               // [H]
            }
            if (scored.PromptLanguageModelLoss is { } l) lmSum = lmSum is null ? l * slow.Length : lmSum + l * slow.Length;
        }
        return new ChoiceScores([.. logps], [.. hidden], lmSum is null ? null : lmSum / items.Count);
    }

    private readonly Dictionary<string, int[]> choiceTokens = new(StringComparer.Ordinal);

    private ChoiceLayout Layout(EliminationState state) => ChoiceLayout.Of(state.Remaining.Select(c =>
    {
        string id = state.Query.Candidates[c].Id;
        if (!choiceTokens.TryGetValue(id, out var ids)) choiceTokens[id] = ids = prompter.Choice(state.Query, c);
        return ids;
    }).ToArray());

    private int?[] GreedyChoices(IReadOnlyList<EliminationState> states)
    {
        var choices = new int?[states.Count];
        if (options.Decoding == RolloutDecoding.Choice)
        {
            var groups = states.Select(s => new Group(s, prompter.Prompt(s), [])).ToArray();
            foreach (var chunk in MicroBatches(groups.Length, _ => 1, i => groups[i].Prompt.Length))
            {
                using var scope = NewDisposeScope();
                var logps = Choices(model, chunk.Select(i => (groups[i].State, groups[i].Prompt)).ToArray(), lm: false).LogProbs;
                for (int k = 0; k < chunk.Count; k++)
                    choices[chunk[k]] = groups[chunk[k]].State.Remaining[(int)logps[k].argmax().item<long>()];
            }
            return choices;
        }
        var generator = new TokenGenerator(model);
        var greedy = new GenerationOptions
        {
            MaxNewTokens = options.MaxResponseTokens,
            StopTokenIds = prompter.Tokenizer.StopTokenIds.ToArray(),
            PadTokenId = prompter.Tokenizer.PadTokenId,
        };
        var prompts = states.Select(s => (IReadOnlyList<int>)prompter.Prompt(s)).ToList();
        var outputs = generator.Generate(prompts, greedy);
        for (int i = 0; i < states.Count; i++)
        {
            var answer = AnswerTags.LastAnswer(options.AssistantPrefix + prompter.Decode(outputs[i].TokenIds));
            choices[i] = answer is null ? null : ExclusionReward.FindCandidate(states[i].Query, states[i].Remaining, answer);
        }
        return choices;
    }

    private ScoredSequences Score(Qwen2ForCausalLM policy, IReadOnlyList<(int[] Prompt, int[] Continuation)> rows, double temperature, bool lm)
    {
        tokensThisStep += rows.Sum(r => r.Prompt.Length + r.Continuation.Length);
        return SequenceScorer.Score(policy, rows, temperature, prompter.Tokenizer.PadTokenId, lm);
    }

    /// <summary>
    /// Index groups whose row counts add up to at most <see cref="TrainingOptions.MicroBatchSize"/> (at least one item
    /// each), taken in order of <paramref name="lengthOf"/>, so that a micro-batch pads its short rows up to a similar
    /// length rather than to the longest prompt of the step.
    /// </summary>
    private List<List<int>> MicroBatches(int count, Func<int, int> rowsOf, Func<int, int> lengthOf)
    {
        var batches = new List<List<int>>();
        var current = new List<int>();
        int rows = 0;
        foreach (int i in Enumerable.Range(0, count).OrderBy(lengthOf))
        {
            int r = rowsOf(i);
            if (current.Count > 0 && rows + r > options.MicroBatchSize)
            {
                batches.Add(current);
                current = [];
                rows = 0;
            }
            current.Add(i);
            rows += r;
        }
        if (current.Count > 0) batches.Add(current);
        return batches;
    }

    private static int IndexIn(IReadOnlyList<int> remaining, int candidate)
    {
        for (int i = 0; i < remaining.Count; i++) if (remaining[i] == candidate) return i;
        throw new InvalidOperationException($"Candidate {candidate} is not in the pool.");
    }

    private void SetLearningRate(double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }

    private void OptimizerStep(double loss, TrainingPhase phase, int step)
    {
        var parameters = trainable.Where(p => p.grad is not null).ToList();
        double norm = nn.utils.clip_grad_norm_(parameters, options.MaxGradNorm);
        if (!double.IsFinite(loss) || !double.IsFinite(norm))
            throw new InvalidOperationException(
                $"Training diverged at {phase} step {step}: loss {loss}, gradient norm {norm}. The optimiser step was not taken; " +
                (options.CheckpointFolder is null
                    ? "no checkpoint folder was set. "
                    : $"the newest checkpoint in '{options.CheckpointFolder}' is the last good state. ") +
                "Lower the learning rate, or raise MaxGradNorm's strictness (a smaller value).");
        optimizer.step();
    }

    private static Qwen2ForCausalLM FrozenCopy(Qwen2ForCausalLM source)
    {
        var copy = new Qwen2ForCausalLM(source.Config).To(source.Device, source.DType);
        CopyWeights(source, copy);
        foreach (var p in copy.parameters()) p.requires_grad = false;
        copy.eval();
        return copy;
    }

    private static void CopyWeights(Qwen2ForCausalLM from, Qwen2ForCausalLM to)
    {
        var source = from.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var _ = no_grad();
        foreach (var (name, p) in to.named_parameters()) p.copy_(source[name]);
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

    // ---- checkpoints ---------------------------------------------------------------------------------------------

    private string SaveCheckpoint(string root)
    {
        var state = new TrainingCheckpoint
        {
            GlobalStep = warmStartDone + reinforcementDone,
            WarmStartDone = warmStartDone,
            ReinforcementDone = reinforcementDone,
            Random = random.State,
            TorchRandom = Convert.ToBase64String(torch.random.get_rng_state().data<byte>().ToArray()),
            QueryOrder = stream!.Order,
            QueryPosition = stream.Position,
            TrajectoryQueries = trajectories.Slots.Select(s => s?.Query ?? -1).ToArray(),
            TrajectoryRemaining = trajectories.Slots.Select(s => s?.Remaining).ToArray(),
        };
        var folder = state.Write(root, temp =>
        {
            model.SavePretrained(Path.Combine(temp, TrainingCheckpoint.ModelFolder));
            if (model.Lora is not null) model.SaveAdapters(Path.Combine(temp, TrainingCheckpoint.AdaptersFolder));
            reference?.SavePretrained(Path.Combine(temp, TrainingCheckpoint.ReferenceFolder));
            valueHead?.save(Path.Combine(temp, TrainingCheckpoint.ValueHeadFile));
            optimizer.save_state_dict(Path.Combine(temp, TrainingCheckpoint.OptimizerFile));
        });
        TrainingCheckpoint.Prune(root, options.KeepCheckpoints);
        return folder;
    }

    /// <summary>Restores the newest checkpoint, if any and if it is ahead of this trainer; returns its global step.</summary>
    private int? TryResume()
    {
        var folder = TrainingCheckpoint.Newest(options.CheckpointFolder);
        if (folder is null) return null;
        var state = TrainingCheckpoint.Read(folder);
        if (state.GlobalStep <= warmStartDone + reinforcementDone) return null;
        string adapters = Path.Combine(folder, TrainingCheckpoint.AdaptersFolder);
        if (model.Lora is not null)
        {
            // The base weights are frozen: they are the caller's model; only the adapters come from the checkpoint.
            if (!Directory.Exists(adapters))
                throw new InvalidDataException($"The checkpoint '{folder}' was written without LoRA adapters, but TrainingOptions.LoraRank is {options.LoraRank}. Resume with the options of that run.");
            model.LoadAdapters(adapters);
        }
        else
        {
            if (Directory.Exists(adapters))
                throw new InvalidDataException($"The checkpoint '{folder}' holds LoRA adapters, but TrainingOptions.LoraRank is 0. Resume with the options of that run.");
            using var saved = Qwen2ForCausalLM.FromPretrained(Path.Combine(folder, TrainingCheckpoint.ModelFolder), model.Device, model.DType);
            CopyWeights(saved, model);
        }
        string referenceFolder = Path.Combine(folder, TrainingCheckpoint.ReferenceFolder);
        if (Directory.Exists(referenceFolder))
            reference = FrozenCopy(Qwen2ForCausalLM.FromPretrained(referenceFolder, model.Device, model.DType));
        valueHead?.load(Path.Combine(folder, TrainingCheckpoint.ValueHeadFile));
        optimizer.load_state_dict(Path.Combine(folder, TrainingCheckpoint.OptimizerFile));
        random = TrainingRandom.FromState(state.Random);
        torch.random.set_rng_state(tensor(Convert.FromBase64String(state.TorchRandom)));
        stream!.Order = state.QueryOrder;
        stream.Position = state.QueryPosition;
        trajectories = new TrajectoryPool(state.TrajectoryQueries.Length)
        {
            Slots = state.TrajectoryQueries.Select((q, i) => q < 0 ? null : ((int, int[])?)(q, state.TrajectoryRemaining[i]!)).ToArray(),
        };
        warmStartDone = state.WarmStartDone;
        reinforcementDone = state.ReinforcementDone;
        return state.GlobalStep;
    }
}
