using System.Text.Json.Serialization;
using IRanker.MLNet.Engine;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Prompts;
using IRanker.Model.Training;

namespace IRanker.MLNet;

/// <summary>Options of the IRanker trainer (<see cref="IRankerCatalog.IRanker(Microsoft.ML.RankingCatalog.RankingTrainers, IRankerOptions)"/>).</summary>
/// <remarks>Every member has a documented default; the options a model was trained with are saved in its zip.</remarks>
/// <example>
/// <code>
/// var options = new IRankerOptions
/// {
///     Scenario = RankingScenario.Passage,
///     ModelPath = "models/Qwen2.5-0.5B-Instruct",
///     TrainingSteps = 200,
///     DecodingMode = DecodingMode.Choice,
/// };
/// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("GroupId")
///     .Append(mlContext.Ranking.Trainers.IRanker(options));
/// </code>
/// </example>
public sealed class IRankerOptions
{
    /// <summary>The relevance label: <see cref="float"/> in 0..4 (higher = more relevant) or a key type. Default <c>"Label"</c>. Only read by <c>Fit</c>.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>The context of each row's list (a search query, a user's history): text, equal on every row of a group. Default <c>"Query"</c>.</summary>
    public string QueryColumnName { get; set; } = "Query";

    /// <summary>The candidate's text (a passage, an item title, an LLM name): text. Default <c>"Candidate"</c>.</summary>
    public string CandidateColumnName { get; set; } = "Candidate";

    /// <summary>The list each row belongs to: a key type (use <c>MapValueToKey</c>) or <see cref="uint"/>. Default <c>"GroupId"</c>.</summary>
    public string RowGroupColumnName { get; set; } = "GroupId";

    /// <summary>The output column: <see cref="float"/>, higher = better, the survivor of the elimination highest. Default <c>"Score"</c>.</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>
    /// An output column, <see cref="float"/> in [0, 1]: the model's probability that the row is the best of its group,
    /// derived from the elimination probabilities (<see cref="RankingResult.Relevance"/>). Within a group the values sum
    /// to 1 and never contradict <see cref="ScoreColumnName"/>. Default <c>"Relevance"</c>; <c>null</c> turns the column off.
    /// </summary>
    public string? RelevanceColumnName { get; set; } = "Relevance";

    /// <summary>
    /// Optional text column with the IDs the model sees and answers with. Default <c>null</c>: for
    /// <see cref="RankingScenario.Passage"/> and <see cref="RankingScenario.Generic"/> the IDs are <c>passage 1</c>,
    /// <c>passage 2</c>, … in row order within the group; for <see cref="RankingScenario.Recommendation"/> and
    /// <see cref="RankingScenario.Routing"/> they are the candidate text (an item title, an LLM name), with
    /// <c> #2</c>, <c> #3</c>, … appended to repeated ones.
    /// </summary>
    public string? CandidateIdColumnName { get; set; }

    /// <summary>The ranking scenario; it selects the prompt template. Default <see cref="RankingScenario.Generic"/>.</summary>
    public RankingScenario Scenario { get; set; } = RankingScenario.Generic;

    /// <summary>The task within the scenario (e.g. <c>Movie</c>, or the routing objective <c>Performance</c>, <c>Balance</c>, <c>Cost</c>). Default <c>null</c>: the scenario's generic wording.</summary>
    public string? Task { get; set; }

    /// <summary>A Hugging Face model folder (config.json, model.safetensors, tokenizer files) to start from. Default <c>null</c>: a new small model trained from scratch.</summary>
    public string? ModelPath { get; set; }

    /// <summary>
    /// Optional text column with each group's task: a Ranking-bench task name (<c>Movie</c>, <c>Music</c>, <c>Game</c>,
    /// <c>Performance</c>, <c>Balance</c>, <c>Cost</c>, <c>Passage-5</c>…) or a scenario name (<c>Recommendation</c>,
    /// <c>Routing</c>, <c>Passage</c>, <c>Generic</c>). It sets each group's <see cref="RankingQuery.Task"/> and scenario (so one
    /// model can learn several tasks); other values keep <see cref="Scenario"/>. Every row of a group must have the same task.
    /// Default <c>null</c>: every group uses <see cref="Scenario"/> and <see cref="Task"/>.
    /// </summary>
    public string? TaskColumnName { get; set; }

    /// <summary>
    /// Supervised warm-start steps before reinforcement learning (teaches a model trained from scratch the task and the
    /// answer format; docs/training.md). Default <c>null</c>: 1000 for a new model (<see cref="ModelPath"/> null), 0 for a
    /// pretrained checkpoint.
    /// </summary>
    public int? WarmStartSteps { get; set; }

    /// <summary>Reinforcement-learning (GRPO or PPO) steps. Default 200; 0 keeps the model as loaded or warm-started.</summary>
    public int TrainingSteps { get; set; } = 200;

    /// <summary>
    /// Seed of every random choice (initialisation, sub-list sampling, rollouts, sampled answers). Default 0. The one
    /// place to set it: <see cref="Training"/>'s and <see cref="Inference"/>'s own seeds must stay at their defaults.
    /// </summary>
    public int Seed { get; set; }

    /// <summary><c>"auto"</c> (a GPU where available, else the CPU), <c>"cpu"</c>, <c>"cuda"</c> or <c>"cuda:N"</c>. Default <c>"auto"</c>.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>
    /// How each elimination decision is decoded, in training rollouts and when ranking. Default
    /// <see cref="DecodingMode.Choice"/> (the remaining IDs are scored directly: one forward pass per step, no answer to
    /// repair); <see cref="DecodingMode.Reasoning"/> is the paper's think-then-answer format. The one place to set it:
    /// <see cref="Training"/>'s and <see cref="Inference"/>'s own modes must stay at their defaults.
    /// </summary>
    public DecodingMode DecodingMode { get; set; } = DecodingMode.Choice;

    /// <summary>The size of a model trained from scratch (<see cref="ModelPath"/> null). Default <see cref="ScratchModelSize.Small"/>.</summary>
    public ScratchModelSize ScratchModelSize { get; set; } = ScratchModelSize.Small;

    /// <summary>
    /// The prompt style (the wording of each step's prompt, not how the steps' prompts relate: that is
    /// <see cref="PromptLayout"/>) of a model trained from scratch (<see cref="ModelPath"/> null), kept with the model. Default
    /// <see cref="PromptStyle.Compact"/>: context, candidates and answer prefix only, which a small model learns from
    /// much faster than the paper's chat prompt; a checkpoint uses the style saved with it (the chat style for a
    /// Hugging Face download).
    /// </summary>
    public PromptStyle ScratchPromptStyle { get; set; } = PromptStyle.Compact;

    /// <summary>
    /// How a list's step prompts relate, in training and when ranking (docs/ranking.md, "Prompt layouts"):
    /// <see cref="Model.Prompts.PromptLayout.Rebuilt"/> (the paper's) or <see cref="Model.Prompts.PromptLayout.AppendOnly"/>
    /// (every step's prompt extends the previous one, so its key/value cache is kept; Choice and Answer modes). Default
    /// null: the layout saved with a checkpoint (<see cref="Model.Prompts.PromptLayout.Rebuilt"/> for a Hugging Face
    /// download), and for a model trained from scratch <see cref="Model.Prompts.PromptLayout.AppendOnly"/> (it learned the
    /// quickstart's routing better on both seeds measured; <see cref="Model.Prompts.PromptLayout.Rebuilt"/> in Reasoning
    /// mode). The trained model
    /// keeps the layout it was trained in.
    /// </summary>
    public PromptLayout? PromptLayout { get; set; }

    /// <summary>
    /// How Choice mode scores a step's candidates, in training and when ranking (docs/ranking.md, "Choice scoring"):
    /// <see cref="Model.ChoiceScoring.FullSequence"/> (every token of each ID) or
    /// <see cref="Model.ChoiceScoring.UniquePrefix"/> (each ID up to the token that tells it apart, renormalised where
    /// the IDs part: several times fewer tokens per step for long IDs such as titles). Default null: the scoring saved
    /// with a checkpoint (<see cref="Model.ChoiceScoring.FullSequence"/> for a Hugging Face download or a folder saved
    /// before the choice existed), and <see cref="Model.ChoiceScoring.FullSequence"/> for a model trained from scratch.
    /// A model ranks best with the scoring it was trained with; the trained model keeps it.
    /// </summary>
    public ChoiceScoring? ChoiceScoring { get; set; }

    /// <summary>
    /// The training hyper-parameters (docs/training.md), among them <see cref="TrainingOptions.TaskWeights"/> (how often
    /// each task's groups are drawn) and <see cref="TrainingOptions.ShuffleCandidates"/>. Four of its settings are set
    /// above and only there: <see cref="WarmStartSteps"/>, <see cref="TrainingSteps"/>, <see cref="Seed"/> and
    /// <see cref="DecodingMode"/>; a value other than its default in <see cref="TrainingOptions.WarmStartSteps"/>,
    /// <see cref="TrainingOptions.Steps"/>, <see cref="TrainingOptions.Seed"/> or <see cref="TrainingOptions.Mode"/> that
    /// differs from the one above is an error at <c>Fit</c> (the message names both). Default
    /// <c>null</c>: <see cref="TrainingOptions"/>' defaults (the paper's, for a pretrained checkpoint), or, for a model
    /// trained from scratch, the recipe that the quickstart uses (warm-start learning rate 1e-3, RL learning rate 3e-4,
    /// 8 prompts of 8 samples per step, warm-start batches of 16, no KL penalty).
    /// </summary>
    public TrainingOptions? Training { get; set; }

    /// <summary>
    /// A new copy of the training options that a model trained from scratch gets when <see cref="Training"/> is null (the
    /// quickstart's recipe), to start from when changing one of them.
    /// </summary>
    /// <example><code>
    /// var training = IRankerOptions.ScratchTrainingDefaults();
    /// training.PackEliminations = true;
    /// var options = new IRankerOptions { Training = training };
    /// </code></example>
    public static TrainingOptions ScratchTrainingDefaults() => ResolvedOptions.ScratchDefaults();

    /// <summary>
    /// Inference settings: the elimination schedule (<see cref="RankerOptions.Schedule"/>: how many candidates a step
    /// removes; <see cref="EliminationSchedule.Fraction"/> and <see cref="EliminationSchedule.OnePass"/> are faster and
    /// need <see cref="DecodingMode.Choice"/>), the order samples per step (<see cref="RankerOptions.OrderSamples"/>), the
    /// token budget per forward batch, prefix-cache reuse, answer lengths and sampling. Saved with the model; change
    /// the schedule or the order samples of a trained model with <see cref="IRankerTransformer.WithSchedule"/> and
    /// <see cref="IRankerTransformer.WithOrderSamples"/>. Its <c>Mode</c> and <c>Seed</c> are <see cref="DecodingMode"/> and
    /// <see cref="Seed"/> (a value other than the default there that differs from those is an error).
    /// </summary>
    /// <example><code>
    /// var options = new IRankerOptions { Inference = { Schedule = EliminationSchedule.Fraction(0.5, 5), OrderSamples = 3 } };
    /// </code></example>
    public RankerOptions Inference { get; set; } = new();

    /// <summary>Receives every training step's metrics (reward and its parts, accuracy, KL, loss, learning rate, speed). Never saved.</summary>
    [JsonIgnore]
    public IProgress<TrainingStepMetrics>? TrainingProgress { get; set; }

    /// <summary>The engine to train instead of <see cref="RankingEngines.Default"/>; never saved.</summary>
    [JsonIgnore]
    internal IRankingEngineFactory? EngineFactory { get; set; }
}

/// <summary>The size of an IRanker model trained from scratch.</summary>
public enum ScratchModelSize
{
    /// <summary>About 0.1 M parameters besides the embeddings: for tests and smoke runs.</summary>
    Tiny,
    /// <summary>A few million parameters: the quickstart's model, trainable on a laptop CPU in minutes.</summary>
    Small,
}
