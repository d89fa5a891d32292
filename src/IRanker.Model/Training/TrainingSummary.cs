namespace IRanker.Model.Training;

/// <summary>What <see cref="EliminationTrainer.Train"/> did.</summary>
/// <param name="WarmStartSteps">Warm-start steps run in this call (not counting those restored from a checkpoint).</param>
/// <param name="ReinforcementSteps">RL steps run in this call.</param>
/// <param name="ResumedFromStep">The global step of the checkpoint training resumed from, or null.</param>
/// <param name="Seconds">Wall time of the call.</param>
/// <param name="LastStep">Metrics of the last step, or null when no step ran.</param>
/// <param name="InitialEvaluation">Evaluation before the first step of this call (null without evaluation queries).</param>
/// <param name="FinalEvaluation">Evaluation after the last step (null without evaluation queries).</param>
/// <param name="LastCheckpoint">The folder of the newest checkpoint written, or null.</param>
/// <example><code>var summary = trainer.Train(train, eval); Console.WriteLine($"{summary.InitialEvaluation?.Mrr} -> {summary.FinalEvaluation?.Mrr}");</code></example>
public sealed record TrainingSummary(
    int WarmStartSteps,
    int ReinforcementSteps,
    int? ResumedFromStep,
    double Seconds,
    TrainingStepMetrics? LastStep,
    EvaluationMetrics? InitialEvaluation,
    EvaluationMetrics? FinalEvaluation,
    string? LastCheckpoint);
