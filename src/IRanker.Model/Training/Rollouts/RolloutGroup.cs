using IRanker.Model.Step;
using IRanker.Model.Training.Rewards;
using IRanker.Model.Training.Sampling;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Rollouts;

/// <summary>One answer the policy gave to an elimination state, with its reward.</summary>
internal sealed class RolloutAnswer
{
    /// <summary>Choice mode: the candidate chosen (an index into the query's candidates).</summary>
    public int? Chosen { get; init; }

    /// <summary>Free text: the generated tokens, ending with the stop token where one ended them.</summary>
    public int[] Tokens { get; init; } = [];

    /// <summary>The log-probs of the action under the policy that updates first (detached, on the CPU): [] (Choice) or [T] (free text).</summary>
    public Tensor? OldLogProbs { get; set; }

    /// <summary>The candidate the answer eliminates, or null when it names none.</summary>
    public int? Eliminated { get; init; }

    /// <summary>The reward and its parts.</summary>
    public required RewardBreakdown Reward { get; init; }

    /// <summary>GRPO's group-relative advantage.</summary>
    public double Advantage { get; set; }
}

/// <summary>An elimination state, its step row (and the state's branch point in it) and the group of answers sampled for it.</summary>
internal sealed record RolloutGroup(EliminationState State, StepRow Row, List<RolloutAnswer> Answers, int Point = 0)
{
    /// <summary>Where the state is scored.</summary>
    public StepPlace Place => new(Row, Point);
}
