using System.Text.Json.Serialization;
using IRanker.MLNet.Engine;
using IRanker.Model.Ranking;

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

    /// <summary>Supervised warm-start steps before reinforcement learning (teaches the answer format). Default 200; 0 skips it.</summary>
    public int WarmStartSteps { get; set; } = 200;

    /// <summary>Reinforcement-learning steps. Default 1500 (the paper's run); 0 keeps the model as loaded or warm-started.</summary>
    public int TrainingSteps { get; set; } = 1500;

    /// <summary>Seed of every random choice (sub-list sampling, rollouts, initialisation). Default 0.</summary>
    public int Seed { get; set; }

    /// <summary><c>"auto"</c> (a GPU where available, else the CPU), <c>"cpu"</c>, <c>"cuda"</c> or <c>"cuda:N"</c>. Default <c>"auto"</c>.</summary>
    public string Device { get; set; } = "auto";

    /// <summary>How each elimination decision is decoded. Default <see cref="DecodingMode.Reasoning"/>.</summary>
    public DecodingMode DecodingMode { get; set; } = DecodingMode.Reasoning;

    /// <summary>The reinforcement-learning hyper-parameters.</summary>
    public IRankerTrainingOptions Training { get; set; } = new();

    /// <summary>The engine to train instead of <see cref="RankingEngines.Default"/>; never saved.</summary>
    [JsonIgnore]
    internal IRankingEngineFactory? EngineFactory { get; set; }
}
