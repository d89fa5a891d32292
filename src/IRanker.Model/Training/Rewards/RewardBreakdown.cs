namespace IRanker.Model.Training.Rewards;

/// <summary>The reward of one answer: the total and each part by its reward function's name.</summary>
/// <param name="Total">The sum of the parts.</param>
/// <param name="Parts">Each part, by <see cref="IRewardFunction.Name"/>, in the order of the reward set.</param>
/// <example><code>var r = rewards.Score(input); Console.WriteLine($"{r.Total} = {string.Join(" + ", r.Parts.Values)}");</code></example>
public sealed record RewardBreakdown(double Total, IReadOnlyDictionary<string, double> Parts);
