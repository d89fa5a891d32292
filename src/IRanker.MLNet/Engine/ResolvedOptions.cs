using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Prompts;
using IRanker.Model.Training;

namespace IRanker.MLNet.Engine;

/// <summary>
/// <see cref="IRankerOptions"/> turned, in one step, into the validated settings of the two layers below: the
/// trainer's <see cref="TrainingOptions"/> and the ranker's <see cref="RankerOptions"/>.
/// </summary>
/// <remarks>
/// The one precedence rule: a setting at the top level of <see cref="IRankerOptions"/> wins over the same setting in
/// <see cref="IRankerOptions.Training"/> or <see cref="IRankerOptions.Inference"/>. <see cref="IRankerOptions.DecodingMode"/>
/// sets both modes, <see cref="IRankerOptions.Schedule"/> the ranking schedule, <see cref="IRankerOptions.OrderSamples"/> the orders per step, <see cref="IRankerOptions.Seed"/> both seeds, <see cref="IRankerOptions.TrainingSteps"/> the RL
/// steps, and <see cref="IRankerOptions.WarmStartSteps"/>, <see cref="IRankerOptions.TaskWeights"/> and <see cref="IRankerOptions.ShuffleCandidates"/>, where set, their
/// training counterparts. Neither nested object of the caller is changed: both are copied.
/// </remarks>
/// <param name="Training">The trainer's settings.</param>
/// <param name="Inference">The ranker's settings.</param>
internal sealed record ResolvedOptions(TrainingOptions Training, RankerOptions Inference)
{
    /// <summary>Warm-start steps for a model trained from scratch when <see cref="IRankerOptions.WarmStartSteps"/> is null.</summary>
    public const int ScratchWarmStartSteps = 1000;

    /// <summary>Resolves <paramref name="options"/> for a model trained from scratch (<paramref name="scratch"/>) or a checkpoint.</summary>
    /// <exception cref="ArgumentException">A resolved value is out of range (the message names it).</exception>
    public static ResolvedOptions Resolve(IRankerOptions options, bool scratch)
    {
        var training = options.Training?.Clone() ?? (scratch ? ScratchDefaults() : new TrainingOptions());
        training.WarmStartSteps = options.WarmStartSteps ?? (scratch ? ScratchWarmStartSteps : 0);
        training.Steps = options.TrainingSteps;
        training.Seed = options.Seed;
        training.Mode = options.DecodingMode;
        if (options.ShuffleCandidates is { } shuffle) training.ShuffleCandidates = shuffle;
        if (options.TaskWeights is not null) training.TaskWeights = new Dictionary<string, double>(options.TaskWeights, StringComparer.Ordinal);
        training.Validate();
        return new ResolvedOptions(training, InferenceFor(options));
    }

    /// <summary>The ranker's settings alone (for a loaded model, which is not trained).</summary>
    /// <exception cref="ArgumentException">The schedule or the order samples need another decoding mode (the message names both settings).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="IRankerOptions.OrderSamples"/> is below 1.</exception>
    public static RankerOptions InferenceFor(IRankerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options.Schedule, $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.Schedule)}");
        options.Schedule.CheckMode(options.DecodingMode, $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.Schedule)} with {nameof(IRankerOptions)}.{nameof(IRankerOptions.DecodingMode)}");
        if (options.PromptLayout is { } layout)
            IterativeRanker.CheckLayout(layout, options.DecodingMode, $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.PromptLayout)} with {nameof(IRankerOptions)}.{nameof(IRankerOptions.DecodingMode)}");
        RankerOptions.CheckOrderSamples(options.OrderSamples, options.DecodingMode, $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.OrderSamples)}",
            $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.DecodingMode)}");
        var inference = options.Inference.Clone();
        inference.Mode = options.DecodingMode;
        inference.Schedule = options.Schedule;
        inference.OrderSamples = options.OrderSamples;
        inference.Seed = options.Seed;
        inference.Validate();
        return inference;
    }

    /// <summary>The recipe for a model trained from scratch (<see cref="IRankerOptions.ScratchTrainingDefaults"/>).</summary>
    internal static TrainingOptions ScratchDefaults() => new()
    {
        LearningRate = 3e-4,
        WarmStartLearningRate = 1e-3,
        WarmStartBatchSize = 16,
        WarmupSteps = 20,
        PromptsPerStep = 8,
        MicroBatchSize = 8,
        GroupSize = 8,
        KlCoefficient = 0,
        EntropyCoefficient = 0,
        // The sub-lists keep the data's own (random) candidate order: from scratch this learns about twice as fast
        // as reshuffling every sample (docs/training.md). Measured on the quickstart (docs/benchmarks.md, "Candidate
        // order in training"), reshuffling made the unlearned passage tasks order-invariant but not the routing tasks
        // the model learns, whose MRR it lowered; IRankerOptions.ShuffleCandidates turns it on.
        ShuffleCandidates = false,
    };
}
