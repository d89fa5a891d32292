using IRanker.Model.Answers;

namespace IRanker.Model.Training.Rewards;

/// <summary>
/// <c>0</c> when the assistant's turn is exactly the expected shape, else <c>-1</c>.
/// </summary>
/// <remarks>
/// Reasoning: <c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c>; answer-only: <c>&lt;answer&gt;…&lt;/answer&gt;</c>.
/// White space may surround the tags; nothing else may, and each tag must occur exactly once. The text checked is
/// <see cref="RewardInput.AssistantText"/>: the forced assistant prefix plus the response, never the prompt.
/// In Choice mode (<see cref="RewardInput.ChosenIndex"/> set) there is no text and the reward is 0.
/// </remarks>
/// <example><code>double r = new FormatReward().Score(new RewardInput(query, remaining, "&lt;answer&gt;x&lt;/answer&gt;", Mode: DecodingMode.Answer));</code></example>
public sealed class FormatReward : IRewardFunction
{
    /// <summary>Reward of a malformed response.</summary>
    public const double Malformed = -1.0;

    /// <inheritdoc/>
    public string Name => "format";

    /// <inheritdoc/>
    public double Score(RewardInput input) =>
        input.ChosenIndex is not null || AnswerTags.IsWellFormed(input.AssistantText, input.Mode) ? 0.0 : Malformed;
}
