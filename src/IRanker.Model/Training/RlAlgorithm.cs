namespace IRanker.Model.Training;

/// <summary>The reinforcement-learning algorithm that <c>EliminationTrainer</c> runs after the warm start.</summary>
/// <example><code>var options = new TrainingOptions { Algorithm = RlAlgorithm.Ppo };</code></example>
public enum RlAlgorithm
{
    /// <summary>
    /// Group Relative Policy Optimisation: <see cref="TrainingOptions.GroupSize"/> sampled answers per prompt,
    /// advantage = (reward - group mean) / (group std + eps); no critic. The project's default.
    /// </summary>
    Grpo,

    /// <summary>
    /// PPO with a value head (a linear layer on the last hidden state) and generalised advantage estimation,
    /// the paper's method (one rollout per prompt by default in the paper).
    /// </summary>
    Ppo,
}
