using System.Text.Json.Serialization;

namespace IRanker.Datasets.Verl;

/// <summary>
/// One row of verl's RL data layout: a prompt as chat messages, the rule the reward follows and its ground truth.
/// The column names are verl's (<c>data_source</c>, <c>prompt</c>, <c>ability</c>, <c>reward_model</c>, <c>extra_info</c>).
/// </summary>
/// <example><code>VerlRow row = VerlExport.Rows(queries, new VerlExportOptions { Samples = 1 }).Single();</code></example>
public sealed class VerlRow
{
    /// <summary><c>iranker/{task}</c>: which reward function scores the row, and how verl groups validation metrics.</summary>
    [JsonPropertyName("data_source")]
    public string DataSource { get; set; } = "";

    /// <summary>The step's prompt as chat messages (system, user), which verl renders with the model's chat template.</summary>
    [JsonPropertyName("prompt")]
    public List<VerlMessage> Prompt { get; set; } = [];

    /// <summary>Always <c>ranking</c>.</summary>
    [JsonPropertyName("ability")]
    public string Ability { get; set; } = "ranking";

    /// <summary>The reward's style (<c>rule</c>) and ground truth.</summary>
    [JsonPropertyName("reward_model")]
    public VerlRewardModel RewardModel { get; set; } = new();

    /// <summary>What the row came from, for logs and checks; the reward does not need it.</summary>
    [JsonPropertyName("extra_info")]
    public VerlExtraInfo ExtraInfo { get; set; } = new();
}

/// <summary>One chat message of a prompt.</summary>
public sealed class VerlMessage
{
    /// <summary><c>system</c> or <c>user</c>.</summary>
    [JsonPropertyName("role")]
    public string Role { get; set; } = "";

    /// <summary>The message's text.</summary>
    [JsonPropertyName("content")]
    public string Content { get; set; } = "";
}

/// <summary>verl's <c>reward_model</c> column.</summary>
public sealed class VerlRewardModel
{
    /// <summary>Always <c>rule</c>: the reward is computed by tools/verl/iranker_reward.py, not by a learned model.</summary>
    [JsonPropertyName("style")]
    public string Style { get; set; } = "rule";

    /// <summary>
    /// JSON: <c>{"mode": "Reasoning", "ids": [...], "labels": [...]}</c>, the step's remaining candidates in the order the
    /// prompt shows them, with their labels (exactly as the library holds them, single precision widened to double).
    /// </summary>
    [JsonPropertyName("ground_truth")]
    public string GroundTruth { get; set; } = "";
}

/// <summary>verl's <c>extra_info</c> column.</summary>
public sealed class VerlExtraInfo
{
    /// <summary><c>train</c> or <c>test</c>.</summary>
    [JsonPropertyName("split")]
    public string Split { get; set; } = "";

    /// <summary>The row's number in the file, from 0.</summary>
    [JsonPropertyName("index")]
    public long Index { get; set; }

    /// <summary>The query's ID, or empty.</summary>
    [JsonPropertyName("query_id")]
    public string QueryId { get; set; } = "";

    /// <summary>The ranking scenario (<c>Passage</c>, <c>Recommendation</c>, ...).</summary>
    [JsonPropertyName("scenario")]
    public string Scenario { get; set; } = "";

    /// <summary>The task within the scenario, or empty.</summary>
    [JsonPropertyName("task")]
    public string Task { get; set; } = "";

    /// <summary>The decoding mode (<c>Reasoning</c> or <c>Answer</c>).</summary>
    [JsonPropertyName("mode")]
    public string Mode { get; set; } = "";

    /// <summary>
    /// The text the library's prompt puts at the start of the assistant's turn (<c>Let me solve this step by
    /// step.\n&lt;think&gt;</c> or <c>&lt;answer&gt;</c>); the chat template written beside the parquet file adds it.
    /// </summary>
    [JsonPropertyName("assistant_prefix")]
    public string AssistantPrefix { get; set; } = "";

    /// <summary>The whole prompt exactly as the library's trainer tokenises it: what verl's rendered prompt must equal.</summary>
    [JsonPropertyName("prompt_text")]
    public string PromptText { get; set; } = "";
}
