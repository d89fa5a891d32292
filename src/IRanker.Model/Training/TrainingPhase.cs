namespace IRanker.Model.Training;

/// <summary>Which phase of training a step belongs to.</summary>
/// <example><code>if (metrics.Phase == TrainingPhase.WarmStart) Console.WriteLine("supervised");</code></example>
public enum TrainingPhase
{
    /// <summary>Supervised elimination steps built from the labels, plus the next-token loss over the prompt.</summary>
    WarmStart,

    /// <summary>Reinforcement learning (GRPO or PPO) on rewarded rollouts.</summary>
    Reinforcement,
}
