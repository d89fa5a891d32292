using IRanker.Model.Training.Rewards;

namespace IRanker.Model.Training;

/// <summary>
/// Every hyperparameter of <c>EliminationTrainer</c>, with its default and meaning, in one place.
/// </summary>
/// <remarks>
/// <para>One reinforcement-learning step (an optimiser step) works like this:
/// <see cref="PromptsPerStep"/> elimination prompts are drawn (see <see cref="Samples"/>), the current policy answers
/// each one <see cref="GroupSize"/> times at <see cref="Temperature"/>, every answer is rewarded (see
/// <see cref="Rewards"/>), advantages are computed (GRPO: within each group; PPO: GAE on a value head), and the
/// loss is back-propagated in micro-batches of <see cref="MicroBatchSize"/> answers. This is repeated
/// <see cref="GradientAccumulationSteps"/> times before the optimiser steps, so one step sees
/// <c>PromptsPerStep × GradientAccumulationSteps</c> prompts.</para>
/// <para>Defaults follow the paper's reference run where it had one (clip 0.2, entropy 0.001, KL 0.001,
/// grad clip 1.0, temperature 1, 8 prompts per step); learning rates for a model trained from scratch are
/// much higher (1e-3 warm start, 3e-4 RL were measured on a 0.5M-parameter model).</para>
/// </remarks>
/// <example>
/// <code>
/// var options = new TrainingOptions
/// {
///     Mode = DecodingMode.Choice,
///     WarmStartSteps = 1400,          // a model trained from scratch needs the supervised phase
///     LanguageModelLossWeight = 1.0,
///     LearningRate = 3e-4,
///     Steps = 300,
///     CheckpointFolder = "runs/passage",
/// };
/// </code>
/// </example>
public sealed class TrainingOptions
{
    // ---- algorithm -------------------------------------------------------------------------------------------

    /// <summary>GRPO (default; no critic) or PPO with a value head and GAE (the paper's method).</summary>
    public RlAlgorithm Algorithm { get; set; } = RlAlgorithm.Grpo;

    /// <summary>
    /// How the policy answers an elimination step in rollouts, in the warm start and in the trainer's evaluation; the
    /// same <see cref="DecodingMode"/> that ranking uses, and it should be the mode the model will rank with. Default
    /// <see cref="DecodingMode.Choice"/>: a choice among the remaining candidates, each scored by its ID followed by
    /// <c>&lt;/answer&gt;</c> in one forward pass; the action is the candidate. <see cref="DecodingMode.Answer"/> and
    /// <see cref="DecodingMode.Reasoning"/> (the paper's setting) generate text that is parsed and rewarded for its
    /// format too; the action is the token sequence. The step prompt ends by opening the answer's first tag
    /// (<c>&lt;answer&gt;</c>, or <c>&lt;think&gt;</c> in Reasoning mode), and the format rewards read that tag followed by
    /// the generated text.
    /// </summary>
    public DecodingMode Mode { get; set; } = DecodingMode.Choice;

    /// <summary>Where elimination prompts come from: the paper's sub-lists (default), on-policy trajectories, or both.</summary>
    public SampleSource Samples { get; set; } = SampleSource.SubLists;

    /// <summary>
    /// Whether a sample is a whole elimination in one forward pass (true) or one elimination step (false, the paper's).
    /// Packed, a sample is a sub-list (drawn as for <see cref="SampleSource.SubLists"/>) eliminated to the end, worst
    /// first by label, and every step's candidates are scored as branches at that step's place in the last step's prompt,
    /// so that a list of N candidates costs one pass instead of N − 1 over prompts that extend one another. On-policy
    /// trajectories (<see cref="SampleSource.Trajectories"/>) are rolled out to the end within the step and packed the
    /// same way. <see cref="PromptsPerStep"/> and <see cref="WarmStartBatchSize"/> then count lists, and each list's k
    /// steps weigh 1/k in the loss, so that every list weighs what a single-step sample weighs; the warm start's loss and
    /// the policy's log-probabilities, values and rewards are per step, as unpacked, and the next-token loss counts each
    /// prompt token once per sequence. Applies in <see cref="DecodingMode.Choice"/> with the append-only prompt layout;
    /// elsewhere samples are single steps. Off by default: on the quickstart's model it trained 1.7-1.8x the steps per
    /// minute but learned less per minute (docs/training.md, "Packed eliminations").
    /// </summary>
    public bool PackEliminations { get; set; }

    /// <summary>
    /// With <see cref="PackEliminations"/>, the most tokens of one packed sequence (a prompt and the branches of every step
    /// it scores). A longer elimination is cut into pieces trained as separate rows (each runs its prompt again); shorter
    /// rows share one sequence behind a block-diagonal mask, so they are not padded to the longest. Default 1024.
    /// </summary>
    public int PackTokens { get; set; } = 1024;

    /// <summary>
    /// Whether training prompts list their candidates in random order (default true: the paper's sub-lists, and a
    /// guard against position bias) or in input order. A model trained from scratch learns elimination about twice as
    /// fast in input order (measured on the synthetic passage task of the tests), because it can then find a
    /// candidate's ID by its place as well as by its name.
    /// </summary>
    public bool ShuffleCandidates { get; set; } = true;

    /// <summary>
    /// The most candidates a training sub-list holds (default null: up to the whole list, the paper's sub-lists of
    /// 2..N). A curriculum of short lists trains with 2 first, then raises it pass by pass: on Ranking-bench-mini's
    /// passages, pairs let a small model leave the plateau that sub-lists of every length kept it on (docs/training.md,
    /// "Short lists first"). Applies to the warm start and to the sub-list samples of reinforcement learning, not to
    /// on-policy trajectories, which always start from the whole list.
    /// </summary>
    public int? MaxSubListSize { get; set; }

    /// <summary>
    /// How often the trainer draws the lists of each task (<see cref="RankingQuery.Task"/>), relative to the
    /// others: a task of weight 2 is drawn twice as often per epoch as its share of the training lists, a weight of
    /// 0.5 half as often, 0 never. Tasks not named weigh 1; null (default) draws every list once per epoch. Use it when
    /// one model learns several tasks and some need more steps than others (docs/training.md).
    /// </summary>
    /// <example><code>options.TaskWeights = new Dictionary&lt;string, double&gt; { ["Passage-5"] = 3, ["Passage-7"] = 3 };</code></example>
    public IDictionary<string, double>? TaskWeights { get; set; }

    /// <summary>
    /// The reward functions whose sum is an answer's reward; each part is logged under its
    /// <see cref="IRewardFunction.Name"/>. Null (default) means the standard set: exclusion + format + tags in
    /// FreeText mode, exclusion only in Choice mode (see <see cref="EliminationRewards.Standard"/>).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<IRewardFunction>? Rewards { get; set; }

    // ---- rollouts --------------------------------------------------------------------------------------------

    /// <summary>Sampled answers per prompt (GRPO's group; default 8). PPO works with 1 and any larger number.</summary>
    public int GroupSize { get; set; } = 8;

    /// <summary>Sampling temperature of rollouts (default 1.0: the policy itself). Evaluation is greedy.</summary>
    public double Temperature { get; set; } = 1.0;

    /// <summary>Prompts longer than this many tokens are rejected with an error naming the query (default 1400).</summary>
    public int MaxPromptTokens { get; set; } = 1400;

    /// <summary>Free-text answers stop after this many generated tokens (default 1024). Ignored in Choice mode.</summary>
    public int MaxResponseTokens { get; set; } = 1024;

    /// <summary>Elimination prompts per rollout round (default 8, the paper's batch).</summary>
    public int PromptsPerStep { get; set; } = 8;

    /// <summary>Answers (prompt + response sequences) per forward/backward pass (default 8): the memory knob. A step's sequences are grouped by length, so that short prompts are not padded to the longest one.</summary>
    public int MicroBatchSize { get; set; } = 8;

    /// <summary>Rollout rounds whose gradients are summed before one optimiser step (default 1).</summary>
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>
    /// Optimiser steps on the same rollouts (TRL's <c>num_iterations</c>, PPO's epochs; default 1). Above 1 the
    /// importance ratio departs from 1 and the clip becomes active.
    /// </summary>
    public int UpdatesPerRollout { get; set; } = 1;

    // ---- objective -------------------------------------------------------------------------------------------

    /// <summary>
    /// Weight of the KL penalty to the frozen reference policy (default 0.001, as the paper). The penalty is the
    /// low-variance "k3" estimator <c>exp(ref - logp) - (ref - logp) - 1</c> (always &gt;= 0) ADDED to the loss, so
    /// minimising the loss pulls the policy toward the reference. 0 turns it off and keeps no reference copy.
    /// </summary>
    public double KlCoefficient { get; set; } = 0.001;

    /// <summary>PPO clip range: the importance ratio is clipped to [1 - eps, 1 + eps] (default 0.2).</summary>
    public double ClipEpsilon { get; set; } = 0.2;

    /// <summary>Weight of the entropy bonus, subtracted from the loss (default 0.001, as the paper).</summary>
    public double EntropyCoefficient { get; set; } = 0.001;

    /// <summary>Added to the group standard deviation in GRPO's advantage (default 1e-4).</summary>
    public double AdvantageEpsilon { get; set; } = 1e-4;

    /// <summary>PPO: weight of the value-head loss <c>0.5 (V - return)²</c> (default 0.5).</summary>
    public double ValueLossCoefficient { get; set; } = 0.5;

    /// <summary>PPO: discount of GAE (default 1.0, as the paper).</summary>
    public double Gamma { get; set; } = 1.0;

    /// <summary>PPO: GAE's lambda (default 1.0, as the paper).</summary>
    public double Lambda { get; set; } = 1.0;

    // ---- optimiser -------------------------------------------------------------------------------------------

    /// <summary>AdamW learning rate of the reinforcement-learning phase (default 1e-6, the paper's actor rate).</summary>
    public double LearningRate { get; set; } = 1e-6;

    /// <summary>Steps of linear warm-up from 0 at the start of each phase (default 0).</summary>
    public int WarmupSteps { get; set; }

    /// <summary>The learning-rate schedule after warm-up (default constant).</summary>
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>AdamW decoupled weight decay (default 0).</summary>
    public double WeightDecay { get; set; }

    /// <summary>Gradients are clipped to this global L2 norm before each optimiser step (default 1.0).</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    // ---- length ----------------------------------------------------------------------------------------------

    /// <summary>Reinforcement-learning optimiser steps. Null (default) derives them from <see cref="Epochs"/>.</summary>
    public int? Steps { get; set; }

    /// <summary>
    /// Passes over the training queries when <see cref="Steps"/> is null (default 1): one pass draws one prompt per
    /// query, so <c>Steps = ceil(Epochs × queries / (PromptsPerStep × GradientAccumulationSteps))</c>.
    /// </summary>
    public double Epochs { get; set; } = 1.0;

    /// <summary>Seed of every random decision (sub-lists, sampling, initial value head); same seed, same run.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// LoRA rank; 0 (default) trains all weights. Above 0 the trainer adds adapters of this rank to every projection of
    /// every decoder layer (unless the model already has adapters of this rank), trains only them, and uses the base
    /// model with the adapters switched off as the KL reference (no second copy of the weights).
    /// </summary>
    public int LoraRank { get; set; }

    /// <summary>LoRA scale numerator (the adapter output is multiplied by alpha / rank); null (default) = 2 × rank.</summary>
    public double? LoraAlpha { get; set; }

    // ---- warm start ------------------------------------------------------------------------------------------

    /// <summary>
    /// Supervised steps on correct eliminations before reinforcement learning (default 0: off, right for pretrained
    /// checkpoints). A model trained from scratch cannot produce an answer at all without them.
    /// </summary>
    public int WarmStartSteps { get; set; }

    /// <summary>Learning rate of the warm start; null (default) uses <see cref="LearningRate"/>.</summary>
    public double? WarmStartLearningRate { get; set; }

    /// <summary>Elimination prompts per warm-start step; null (default) uses <see cref="PromptsPerStep"/>.</summary>
    public int? WarmStartBatchSize { get; set; }

    /// <summary>
    /// Weight of the next-token language-model loss over the prompt tokens, added to the warm-start loss
    /// (default 1.0). It is what lets a model trained from scratch learn which words belong together.
    /// </summary>
    public double LanguageModelLossWeight { get; set; } = 1.0;

    // ---- checkpoints and evaluation -----------------------------------------------------------------------------

    /// <summary>
    /// Folder for checkpoints (model, optimiser, random state, step); null (default) writes none. If it holds a
    /// checkpoint, training resumes from the newest one.
    /// </summary>
    public string? CheckpointFolder { get; set; }

    /// <summary>A checkpoint is written every this many steps of either phase, and at the end (default 100).</summary>
    public int CheckpointInterval { get; set; } = 100;

    /// <summary>How many of the newest checkpoints to keep (default 2).</summary>
    public int KeepCheckpoints { get; set; } = 2;

    /// <summary>Evaluate on the evaluation queries every this many steps; 0 (default) only at the end.</summary>
    public int EvaluationInterval { get; set; }

    /// <summary>Creates a copy, so that an options object given to a trainer cannot be changed under it.</summary>
    public TrainingOptions Clone()
    {
        var copy = (TrainingOptions)MemberwiseClone();
        if (TaskWeights is not null) copy.TaskWeights = new Dictionary<string, double>(TaskWeights, StringComparer.Ordinal);
        return copy;
    }

    /// <summary>Checks every value; the error names the option, its value and what is allowed.</summary>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public void Validate()
    {
        Require(GroupSize >= 1, nameof(GroupSize), GroupSize, "at least 1");
        Require(Algorithm != RlAlgorithm.Grpo || GroupSize >= 2, nameof(GroupSize), GroupSize,
            "at least 2 with GRPO (a group of one answer has no relative advantage)");
        Require(Temperature > 0 && double.IsFinite(Temperature), nameof(Temperature), Temperature, "a positive number");
        Require(MaxPromptTokens >= 1, nameof(MaxPromptTokens), MaxPromptTokens, "at least 1");
        Require(MaxResponseTokens >= 1, nameof(MaxResponseTokens), MaxResponseTokens, "at least 1");
        Require(PromptsPerStep >= 1, nameof(PromptsPerStep), PromptsPerStep, "at least 1");
        Require(PackTokens >= 1, nameof(PackTokens), PackTokens, "at least 1");
        Require(MicroBatchSize >= 1, nameof(MicroBatchSize), MicroBatchSize, "at least 1");
        Require(GradientAccumulationSteps >= 1, nameof(GradientAccumulationSteps), GradientAccumulationSteps, "at least 1");
        Require(UpdatesPerRollout >= 1, nameof(UpdatesPerRollout), UpdatesPerRollout, "at least 1");
        Require(KlCoefficient >= 0 && double.IsFinite(KlCoefficient), nameof(KlCoefficient), KlCoefficient, "0 or more");
        Require(ClipEpsilon > 0 && ClipEpsilon < 1, nameof(ClipEpsilon), ClipEpsilon, "between 0 and 1 (exclusive)");
        Require(EntropyCoefficient >= 0 && double.IsFinite(EntropyCoefficient), nameof(EntropyCoefficient), EntropyCoefficient, "0 or more");
        Require(AdvantageEpsilon > 0, nameof(AdvantageEpsilon), AdvantageEpsilon, "a positive number");
        Require(ValueLossCoefficient >= 0, nameof(ValueLossCoefficient), ValueLossCoefficient, "0 or more");
        Require(Gamma is > 0 and <= 1, nameof(Gamma), Gamma, "in (0, 1]");
        Require(Lambda is >= 0 and <= 1, nameof(Lambda), Lambda, "in [0, 1]");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive number");
        Require(WarmupSteps >= 0, nameof(WarmupSteps), WarmupSteps, "0 or more");
        Require(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "0 or more");
        Require(MaxGradNorm > 0, nameof(MaxGradNorm), MaxGradNorm, "a positive number");
        Require(Steps is null or >= 0, nameof(Steps), Steps, "null or 0 or more");
        Require(Epochs >= 0 && double.IsFinite(Epochs), nameof(Epochs), Epochs, "0 or more");
        Require(LoraRank >= 0, nameof(LoraRank), LoraRank, "0 or more");
        Require(LoraAlpha is null || LoraAlpha > 0, nameof(LoraAlpha), LoraAlpha, "null or a positive number");
        Require(WarmStartSteps >= 0, nameof(WarmStartSteps), WarmStartSteps, "0 or more");
        Require(MaxSubListSize is null or >= 2, nameof(MaxSubListSize), MaxSubListSize, "null (whole lists) or 2 or more");
        Require(WarmStartLearningRate is null || WarmStartLearningRate > 0, nameof(WarmStartLearningRate), WarmStartLearningRate, "null or a positive number");
        Require(WarmStartBatchSize is null or >= 1, nameof(WarmStartBatchSize), WarmStartBatchSize, "null or at least 1");
        Require(LanguageModelLossWeight >= 0, nameof(LanguageModelLossWeight), LanguageModelLossWeight, "0 or more");
        Require(CheckpointInterval >= 1, nameof(CheckpointInterval), CheckpointInterval, "at least 1");
        Require(KeepCheckpoints >= 1, nameof(KeepCheckpoints), KeepCheckpoints, "at least 1");
        Require(EvaluationInterval >= 0, nameof(EvaluationInterval), EvaluationInterval, "0 or more");
        foreach (var (task, weight) in TaskWeights ?? new Dictionary<string, double>())
            Require(weight >= 0 && double.IsFinite(weight), $"{nameof(TaskWeights)}[\"{task}\"]", weight, "0 or more");
        if (Rewards is { Count: 0 })
            throw new ArgumentException("TrainingOptions.Rewards is empty; give at least one reward function or leave it null for the standard set.", nameof(Rewards));
    }

    /// <summary>Checks one step prompt against <see cref="MaxPromptTokens"/> (given as <paramref name="maxPromptTokens"/>).</summary>
    /// <exception cref="InvalidOperationException">The prompt is longer; the message names the query and the option.</exception>
    internal static void CheckPromptLength(RankingQuery query, int candidates, int promptTokens, int maxPromptTokens)
    {
        if (promptTokens > maxPromptTokens)
            throw new InvalidOperationException(
                $"The prompt of query '{query.QueryId ?? query.Context}' with {candidates} candidates has {promptTokens} tokens, " +
                $"more than TrainingOptions.MaxPromptTokens = {maxPromptTokens}. Raise MaxPromptTokens or shorten the candidates' texts.");
    }

    private static void Require(bool ok, string name, object? value, string allowed)
    {
        if (!ok) throw new ArgumentException($"TrainingOptions.{name} is {value?.ToString() ?? "null"}; it must be {allowed}.", name);
    }
}
