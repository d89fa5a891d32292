namespace IRanker.Model.Training;

/// <summary>What one optimiser step did; reported through <see cref="IProgress{T}"/> after every step.</summary>
/// <param name="Phase">Warm start or reinforcement learning.</param>
/// <param name="Step">1-based step within the phase.</param>
/// <param name="TotalSteps">Steps in the phase.</param>
/// <param name="Loss">The minimised loss (mean over the step's prompts).</param>
/// <param name="Reward">Mean total reward of the sampled answers (RL); for the warm start, of the greedy choice.</param>
/// <param name="RewardParts">Mean of each reward part, by reward-function name.</param>
/// <param name="EliminationAccuracy">Fraction of answers that eliminated a minimum-label candidate.</param>
/// <param name="Kl">Mean k3 estimate of KL(policy ‖ reference) (0 without a reference).</param>
/// <param name="ClipFraction">Fraction of tokens (or choices) where the clipped ratio was the active term.</param>
/// <param name="Entropy">Mean entropy of the policy at the answer positions, in nats.</param>
/// <param name="LanguageModelLoss">Warm start: the next-token loss over the prompts; else 0.</param>
/// <param name="ValueLoss">PPO: the value-head loss; else 0.</param>
/// <param name="LearningRate">The learning rate used.</param>
/// <param name="TokensPerSecond">Real (non-padding) tokens through the model per second in this step.</param>
/// <param name="SecondsPerStep">Wall time of the step.</param>
/// <param name="Evaluation">Held-out metrics, on steps where an evaluation ran; else null.</param>
/// <example>
/// <code>
/// var progress = new Progress&lt;TrainingStepMetrics&gt;(m =&gt;
///     Console.WriteLine($"{m.Phase} {m.Step}/{m.TotalSteps} loss {m.Loss:F3} reward {m.Reward:F3} acc {m.EliminationAccuracy:P0}"));
/// </code>
/// </example>
public sealed record TrainingStepMetrics(
    TrainingPhase Phase,
    int Step,
    int TotalSteps,
    double Loss,
    double Reward,
    IReadOnlyDictionary<string, double> RewardParts,
    double EliminationAccuracy,
    double Kl,
    double ClipFraction,
    double Entropy,
    double LanguageModelLoss,
    double ValueLoss,
    double LearningRate,
    double TokensPerSecond,
    double SecondsPerStep,
    EvaluationMetrics? Evaluation = null)
{
    /// <summary>
    /// Elimination steps (prompts) trained in this step: the batch's prompts, or with packed eliminations
    /// (<see cref="TrainingOptions.PackEliminations"/>) every step of the batch's eliminations.
    /// </summary>
    public int EliminationSteps { get; init; }
}
