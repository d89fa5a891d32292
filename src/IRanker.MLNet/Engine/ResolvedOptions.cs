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
/// Every setting has one place: <see cref="IRankerOptions.DecodingMode"/> and <see cref="IRankerOptions.Seed"/> set both
/// layers' mode and seed, <see cref="IRankerOptions.WarmStartSteps"/> and <see cref="IRankerOptions.TrainingSteps"/> the
/// trainer's steps; everything else is read from <see cref="IRankerOptions.Training"/> and <see cref="IRankerOptions.Inference"/>.
/// A nested copy of one of those four settings left at its default is filled in; set to anything else that differs, it
/// is an error (nothing is silently overridden). Neither nested object of the caller is changed: both are copied.
/// </remarks>
/// <param name="Training">The trainer's settings.</param>
/// <param name="Inference">The ranker's settings.</param>
internal sealed record ResolvedOptions(TrainingOptions Training, RankerOptions Inference)
{
    /// <summary>The nested copies of the top-level settings (set at the top level only), as <c>Object.Setting</c> paths.</summary>
    public static readonly IReadOnlySet<string> NestedCopies = new HashSet<string>(StringComparer.Ordinal)
    {
        "Training.WarmStartSteps", "Training.Steps", "Training.Seed", "Training.Mode", "Inference.Mode", "Inference.Seed",
    };

    /// <summary>Warm-start steps for a model trained from scratch when <see cref="IRankerOptions.WarmStartSteps"/> is null.</summary>
    public const int ScratchWarmStartSteps = 1000;

    /// <summary>Resolves <paramref name="options"/> for a model trained from scratch (<paramref name="scratch"/>) or a checkpoint.</summary>
    /// <exception cref="ArgumentException">A resolved value is out of range, or a top-level setting is set to another value in a nested object (the message names it).</exception>
    public static ResolvedOptions Resolve(IRankerOptions options, bool scratch)
    {
        int warmStart = options.WarmStartSteps ?? (scratch ? ScratchWarmStartSteps : 0);
        if (options.Training is { } given)
        {
            var defaults = new TrainingOptions();
            Single(given.WarmStartSteps, defaults.WarmStartSteps, warmStart, "Training.WarmStartSteps", nameof(IRankerOptions.WarmStartSteps));
            Single(given.Steps, defaults.Steps, options.TrainingSteps, "Training.Steps", nameof(IRankerOptions.TrainingSteps));
            Single(given.Seed, defaults.Seed, options.Seed, "Training.Seed", nameof(IRankerOptions.Seed));
            Single(given.Mode, defaults.Mode, options.DecodingMode, "Training.Mode", nameof(IRankerOptions.DecodingMode));
        }
        var training = options.Training?.Clone() ?? (scratch ? ScratchDefaults() : new TrainingOptions());
        training.WarmStartSteps = warmStart;
        training.Steps = options.TrainingSteps;
        training.Seed = options.Seed;
        training.Mode = options.DecodingMode;
        training.Validate();
        return new ResolvedOptions(training, InferenceFor(options));
    }

    /// <summary>The ranker's settings alone (for a loaded model, which is not trained).</summary>
    /// <exception cref="ArgumentException">The schedule or the order samples need another decoding mode, or <c>Inference</c> sets its mode or seed to another value than the top level (the message names both settings).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><c>Inference.OrderSamples</c> is below 1.</exception>
    public static RankerOptions InferenceFor(IRankerOptions options)
    {
        var given = options.Inference ?? throw new ArgumentNullException($"{nameof(IRankerOptions)}.{nameof(IRankerOptions.Inference)}");
        var defaults = new RankerOptions();
        Single(given.Mode, defaults.Mode, options.DecodingMode, "Inference.Mode", nameof(IRankerOptions.DecodingMode));
        Single(given.Seed, defaults.Seed, options.Seed, "Inference.Seed", nameof(IRankerOptions.Seed));
        ArgumentNullException.ThrowIfNull(given.Schedule, $"{nameof(IRankerOptions)}.Inference.Schedule");
        given.Schedule.CheckMode(options.DecodingMode, $"{nameof(IRankerOptions)}.Inference.Schedule with {nameof(IRankerOptions)}.{nameof(IRankerOptions.DecodingMode)}");
        if (options.PromptLayout is { } layout)
            IterativeRanker.CheckLayout(layout, options.DecodingMode, $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.PromptLayout)} with {nameof(IRankerOptions)}.{nameof(IRankerOptions.DecodingMode)}");
        if (options.ChoiceScoring is { } scoring && !Enum.IsDefined(scoring))
            throw new ArgumentOutOfRangeException($"{nameof(IRankerOptions)}.{nameof(IRankerOptions.ChoiceScoring)}", scoring,
                $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.ChoiceScoring)} is {(int)scoring}, which is not a choice scoring: use {string.Join(" or ", Enum.GetNames<ChoiceScoring>())}, or null for the model's own.");
        RankerOptions.CheckOrderSamples(given.OrderSamples, options.DecodingMode, $"{nameof(IRankerOptions)}.Inference.OrderSamples",
            $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.DecodingMode)}");
        var inference = given.Clone();
        inference.Mode = options.DecodingMode;
        inference.Seed = options.Seed;
        inference.Validate();
        return inference;
    }

    /// <summary>
    /// Checks a setting that <see cref="IRankerOptions"/> holds at its top level against its copy in a nested object:
    /// the copy may stay at its default or equal the top-level value; anything else would be silently overridden.
    /// </summary>
    /// <exception cref="ArgumentException">The nested copy is set to another value (the message names both settings).</exception>
    private static void Single<T>(T nested, T nestedDefault, T topLevel, string nestedName, string topLevelName)
    {
        if (EqualityComparer<T>.Default.Equals(nested, nestedDefault) || EqualityComparer<T>.Default.Equals(nested, topLevel)) return;
        throw new ArgumentException(
            $"{nameof(IRankerOptions)}.{nestedName} is {Show(nested)} but {nameof(IRankerOptions)}.{topLevelName} is {Show(topLevel)}: this setting is set at the top level only. " +
            $"Set {nameof(IRankerOptions)}.{topLevelName} to {Show(nested)} and leave {nestedName} at its default ({Show(nestedDefault)}).");
    }

    private static string Show<T>(T value) => value is null ? "null" : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)!;

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
        // the model learns, whose MRR it lowered; Training.ShuffleCandidates turns it on.
        ShuffleCandidates = false,
    };
}
