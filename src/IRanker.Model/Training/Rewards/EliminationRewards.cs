namespace IRanker.Model.Training.Rewards;

/// <summary>
/// A set of reward functions whose sum is an answer's reward: the paper's R = R_excl + R_fmt + R_tag by default.
/// </summary>
/// <remarks>
/// Worked values (Reasoning format, binary labels): a well-formed answer that eliminates a negative scores
/// 1 + 0 + 0 = 1; one that eliminates the positive 0; one naming no remaining candidate -0.5; a response with no
/// answer block and no tags -1 - 1 - 1 = -3.
/// </remarks>
/// <example>
/// <code>
/// var rewards = new EliminationRewards(EliminationRewards.Standard(DecodingMode.Reasoning));
/// RewardBreakdown r = rewards.Score(new RewardInput(query, remaining, response));
/// </code>
/// </example>
public sealed class EliminationRewards
{
    private readonly IReadOnlyList<IRewardFunction> functions;

    /// <summary>Creates a set from reward functions with distinct names.</summary>
    /// <exception cref="ArgumentException">The list is empty or two functions share a name.</exception>
    public EliminationRewards(IReadOnlyList<IRewardFunction> functions)
    {
        if (functions.Count == 0) throw new ArgumentException("A reward set needs at least one reward function.", nameof(functions));
        var duplicate = functions.GroupBy(f => f.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ArgumentException($"Two reward functions are named '{duplicate.Key}'; names must be unique because each part is logged by name.", nameof(functions));
        this.functions = functions;
    }

    /// <summary>The names of the parts, in order.</summary>
    public IReadOnlyList<string> Names => functions.Select(f => f.Name).ToArray();

    /// <summary>The standard set: exclusion, format and tags for free text; exclusion alone in Choice mode.</summary>
    public static IReadOnlyList<IRewardFunction> Standard(DecodingMode mode) => mode == DecodingMode.Choice
        ? [new ExclusionReward()]
        : [new ExclusionReward(), new FormatReward(), new TagCountReward()];

    /// <summary>Scores one answer with every function.</summary>
    public RewardBreakdown Score(RewardInput input)
    {
        var parts = new Dictionary<string, double>(functions.Count);
        double total = 0;
        foreach (var f in functions)
        {
            double value = f.Score(input);
            if (!double.IsFinite(value))
                throw new InvalidOperationException($"Reward function '{f.Name}' returned {value}; rewards must be finite numbers.");
            parts[f.Name] = value;
            total += value;
        }
        return new RewardBreakdown(total, parts);
    }
}
