namespace IRanker.Model.Training.Rewards;

/// <summary>What a reward function sees of one answer to one elimination step.</summary>
/// <param name="Query">The query, with labels on every candidate.</param>
/// <param name="Remaining">Indices (into <c>Query.Candidates</c>) of the candidates still in the pool at this step.</param>
/// <param name="Response">The generated text only (empty in Choice mode); never the prompt.</param>
/// <param name="ChosenIndex">In Choice mode, the candidate index the policy chose; null for free text.</param>
/// <param name="Mode">How the policy answered: its answer shape, which the format and tag rewards check. The step prompt
/// already opened the mode's first tag (<c>&lt;think&gt;</c> or <c>&lt;answer&gt;</c>); the checks look at that tag followed by
/// <paramref name="Response"/>.</param>
/// <example>
/// <code>
/// var input = new RewardInput(query, [0, 1, 2], "…&lt;/think&gt;&lt;answer&gt;passage 2&lt;/answer&gt;", Mode: DecodingMode.Reasoning);
/// double r = new ExclusionReward().Score(input);
/// </code>
/// </example>
public sealed record RewardInput(
    RankingQuery Query,
    IReadOnlyList<int> Remaining,
    string Response,
    int? ChosenIndex = null,
    DecodingMode Mode = DecodingMode.Reasoning)
{
    /// <summary>The assistant's whole answer as the format checks see it: the tag the prompt opened, then the response.</summary>
    public string AssistantText => DecodingModes.AnswerText(Mode, Response);
}
