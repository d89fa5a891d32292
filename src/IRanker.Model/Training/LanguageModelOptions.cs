namespace IRanker.Model.Training;

/// <summary>
/// Settings of <see cref="LanguageModelTrainer"/>: next-token training on plain text, the stage that gives a small model
/// its knowledge of words before it learns to rank (IRanker-mini's first stage, docs/iranker-mini.md).
/// </summary>
/// <example><code>
/// var options = new LanguageModelOptions { Steps = 3000, SequenceLength = 256, BatchSize = 16, CheckpointFolder = "runs/lm" };
/// </code></example>
public sealed class LanguageModelOptions
{
    /// <summary>Optimiser steps. Default 1,000.</summary>
    public int Steps { get; set; } = 1000;

    /// <summary>Tokens per training sequence; the documents are joined (each ended by the end-of-text token) and cut into sequences of this length. Default 256.</summary>
    public int SequenceLength { get; set; } = 256;

    /// <summary>Sequences per step. Default 16.</summary>
    public int BatchSize { get; set; } = 16;

    /// <summary>Peak AdamW learning rate. Default 1e-3 (a small model trained from scratch).</summary>
    public double LearningRate { get; set; } = 1e-3;

    /// <summary>AdamW weight decay. Default 0.01.</summary>
    public double WeightDecay { get; set; } = 0.01;

    /// <summary>Steps of linear warm-up before <see cref="Schedule"/>. Default 100.</summary>
    public int WarmupSteps { get; set; } = 100;

    /// <summary>The learning rate's shape after warm-up. Default <see cref="LearningRateSchedule.Cosine"/>.</summary>
    public LearningRateSchedule Schedule { get; set; } = LearningRateSchedule.Cosine;

    /// <summary>Gradient-norm clipping. Default 1.0.</summary>
    public double MaxGradNorm { get; set; } = 1.0;

    /// <summary>A folder for resumable checkpoints (written atomically); null: none, and a stopped run starts over.</summary>
    public string? CheckpointFolder { get; set; }

    /// <summary>Steps between checkpoints. Default 200.</summary>
    public int CheckpointInterval { get; set; } = 200;

    /// <summary>Checkpoints kept; older ones are deleted. Default 2.</summary>
    public int KeepCheckpoints { get; set; } = 2;

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting out of range.</summary>
    public void Validate()
    {
        static void Require(bool ok, string name, object value, string rule)
        {
            if (!ok) throw new ArgumentOutOfRangeException(name, value, $"LanguageModelOptions.{name} must be {rule}; it is {value}.");
        }
        Require(Steps >= 0, nameof(Steps), Steps, "0 or more");
        Require(SequenceLength >= 2, nameof(SequenceLength), SequenceLength, "at least 2");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a positive number");
        Require(WeightDecay >= 0, nameof(WeightDecay), WeightDecay, "0 or more");
        Require(WarmupSteps >= 0, nameof(WarmupSteps), WarmupSteps, "0 or more");
        Require(MaxGradNorm > 0, nameof(MaxGradNorm), MaxGradNorm, "positive");
        Require(CheckpointInterval >= 1, nameof(CheckpointInterval), CheckpointInterval, "at least 1");
        Require(KeepCheckpoints >= 1, nameof(KeepCheckpoints), KeepCheckpoints, "at least 1");
    }
}
