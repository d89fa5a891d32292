using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>GRPO's advantage: each answer's reward relative to the other answers to the same prompt.</summary>
internal static class GroupAdvantages
{
    /// <summary>
    /// <c>A = (r - mean(group)) / (std(group) + eps)</c>, with the population standard deviation (divisor G).
    /// A group whose answers all scored the same gets advantage 0: it carries no signal.
    /// </summary>
    /// <param name="rewards">[prompts, group] rewards.</param>
    /// <param name="epsilon">Added to the standard deviation.</param>
    /// <returns>[prompts, group] advantages.</returns>
    public static Tensor Compute(Tensor rewards, double epsilon)
    {
        if (rewards.dim() != 2) throw new ArgumentException($"rewards must be [prompts, group]; got [{string.Join(", ", rewards.shape)}].", nameof(rewards));
        var mean = rewards.mean([1], keepdim: true);                       // [P, 1]
        var std = rewards.std(1, unbiased: false, keepdim: true);          // [P, 1]
        return (rewards - mean) / std.Plus(epsilon);                         // [P, G]
    }
}
