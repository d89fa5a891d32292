namespace IRanker.Model.Training.Rewards;

/// <summary>
/// One part of the reward of an elimination answer. The trainer sums the parts and logs each one under its
/// <see cref="Name"/>.
/// </summary>
/// <example>
/// <code>
/// // A custom part: a small bonus for short answers.
/// sealed class BrevityReward : IRewardFunction
/// {
///     public string Name => "brevity";
///     public double Score(RewardInput input) => input.Response.Length &lt; 40 ? 0.1 : 0.0;
/// }
/// options.Rewards = [.. EliminationRewards.Standard(DecodingMode.Reasoning), new BrevityReward()];
/// </code>
/// </example>
public interface IRewardFunction
{
    /// <summary>A short name for logs and metrics, unique within a reward set.</summary>
    string Name { get; }

    /// <summary>The reward of one answer. It must look at the response only, never at the prompt.</summary>
    double Score(RewardInput input);
}
