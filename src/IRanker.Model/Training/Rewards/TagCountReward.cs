using IRanker.Model.Answers;

namespace IRanker.Model.Training.Rewards;

/// <summary>
/// <c>-0.25</c> for each required tag whose count in the assistant's turn is not exactly one.
/// </summary>
/// <remarks>
/// Required tags: <c>&lt;think&gt;</c>, <c>&lt;/think&gt;</c>, <c>&lt;answer&gt;</c>, <c>&lt;/answer&gt;</c> (Reasoning), or the two
/// answer tags (answer-only); so the reward lies in [-1, 0] or [-0.5, 0]. 0 in Choice mode.
/// </remarks>
/// <example><code>double r = new TagCountReward().Score(new RewardInput(query, remaining, "&lt;answer&gt;x"));</code></example>
public sealed class TagCountReward : IRewardFunction
{
    /// <summary>Penalty per tag whose count is not one.</summary>
    public const double PerTag = -0.25;

    /// <inheritdoc/>
    public string Name => "tags";

    /// <inheritdoc/>
    public double Score(RewardInput input)
    {
        if (input.ChosenIndex is not null) return 0.0;
        var text = input.AssistantText;
        return PerTag * AnswerTags.Required(input.Mode).Count(tag => AnswerTags.Count(text, tag) != 1);
    }
}
