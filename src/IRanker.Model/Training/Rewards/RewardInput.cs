using IRanker.Model.Ranking;

namespace IRanker.Model.Training.Rewards;

/// <summary>What a reward function sees of one answer to one elimination step.</summary>
/// <param name="Query">The query, with labels on every candidate.</param>
/// <param name="Remaining">Indices (into <c>Query.Candidates</c>) of the candidates still in the pool at this step.</param>
/// <param name="Response">The generated text only (empty in Choice mode); never the prompt.</param>
/// <param name="ChosenIndex">In Choice mode, the candidate index the policy chose; null for free text.</param>
/// <param name="Format">The answer shape that the format and tag rewards check.</param>
/// <param name="AssistantPrefix">The start of the assistant's turn that the prompt already held (e.g. <c>&lt;think&gt;</c>);
/// format and tag checks look at <c>AssistantPrefix + Response</c>.</param>
/// <example>
/// <code>
/// var input = new RewardInput(query, [0, 1, 2], "&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;passage 2&lt;/answer&gt;");
/// double r = new ExclusionReward().Score(input);
/// </code>
/// </example>
public sealed record RewardInput(
    RankingQuery Query,
    IReadOnlyList<int> Remaining,
    string Response,
    int? ChosenIndex = null,
    ResponseFormat Format = ResponseFormat.Reasoning,
    string AssistantPrefix = "")
{
    /// <summary>The assistant's whole turn as the format checks see it.</summary>
    public string AssistantText => AssistantPrefix + Response;
}
