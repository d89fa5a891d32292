namespace IRanker.MLNet;

/// <summary>
/// Reinforcement-learning hyper-parameters of <see cref="IRankerOptions.Training"/>; the defaults are
/// the IRanker paper's (GRPO replaces its PPO critic by a group of sampled answers per prompt).
/// </summary>
/// <example><code>var options = new IRankerOptions { Training = { LearningRate = 5e-6, RolloutsPerPrompt = 4 } };</code></example>
public sealed class IRankerTrainingOptions
{
    /// <summary>Optimiser learning rate. Default 1e-6.</summary>
    public double LearningRate { get; set; } = 1e-6;

    /// <summary>Prompts (elimination steps) per optimiser step. Default 8.</summary>
    public int BatchSize { get; set; } = 8;

    /// <summary>Sampled answers per prompt; their rewards are compared with each other (GRPO). Default 8.</summary>
    public int RolloutsPerPrompt { get; set; } = 8;

    /// <summary>Weight of the KL penalty that keeps the policy near the reference model. Default 0.001.</summary>
    public double KlCoefficient { get; set; } = 0.001;

    /// <summary>Sampling temperature of the rollouts. Default 1.0.</summary>
    public double Temperature { get; set; } = 1.0;
}
