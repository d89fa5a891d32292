using IRanker.Model.Modeling;
using IRanker.Model.Ranking;
using IRanker.Model.Ranking.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Training;

namespace IRanker.MLNet.Engine;

/// <summary>
/// Trains and loads the IRanker engine: a new small model built from the training data (compact tokenizer + random
/// Qwen2) or a Hugging Face checkpoint from <see cref="IRankerOptions.ModelPath"/>, then warm start and RL with
/// <see cref="EliminationTrainer"/>.
/// </summary>
internal sealed class IRankerEngineFactory : IRankingEngineFactory
{
    /// <summary>Warm-start steps for a model trained from scratch when <see cref="IRankerOptions.WarmStartSteps"/> is null.</summary>
    public const int ScratchWarmStartSteps = 1000;

    public static readonly IRankerEngineFactory Instance = new();

    public string Name => "IRanker";

    public IRankingEngine Train(IReadOnlyList<RankingQuery> train, IRankerOptions options, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var device = TorchRuntime.ResolveDevice(options.Device);
        bool scratch = options.ModelPath is null;
        var model = scratch
            ? IRankerModel.CreateFromScratch(train, ShapeOf(options.ScratchModelSize), options.Seed, device, options.ScratchPromptStyle)
            : IRankerModel.Load(options.ModelPath!, device);   // IRankerTrainer has checked that the folder exists
        progress.Report(scratch
            ? $"New {options.ScratchModelSize} model: {model.Model.ParameterCount:N0} parameters, vocabulary {model.Tokenizer.VocabSize:N0} (compact, from the training data), {options.ScratchPromptStyle} prompts, on {device}."
            : $"Loaded {options.ModelPath}: {model.Model.ParameterCount:N0} parameters, on {device}.");
        try
        {
            var training = TrainingOptionsFor(options, scratch);
            var learnable = train.Where(q => q.Candidates.Count >= 2).ToList();
            if (learnable.Count > 0 && (training.WarmStartSteps > 0 || training.Steps > 0))
            {
                model.Model.train();
                var trainer = new EliminationTrainer(model.Model, model.Tokenizer,
                    (query, remaining) => model.TemplateFor(query).BuildStep(query, remaining, PromptModeOf(options.DecodingMode)).Text,
                    EliminationTrainer.WithTemplatePrefix(training));
                var relay = new MetricsRelay(options.TrainingProgress, progress);
                if (training.WarmStartSteps > 0) trainer.WarmStart(learnable, relay, cancellationToken);
                if (training.Steps > 0) trainer.Train(learnable, null, relay, cancellationToken);
                model.Model.eval();
            }
            return new IRankerEngine(model, InferenceOptions(options));
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public IRankingEngine Load(string folder, IRankerOptions options)
    {
        var model = IRankerModel.Load(folder, TorchRuntime.ResolveDevice(options.Device));
        model.Model.eval();
        return new IRankerEngine(model, InferenceOptions(options));
    }

    private static Func<int, Qwen2Config> ShapeOf(ScratchModelSize size) => size switch
    {
        ScratchModelSize.Tiny => Qwen2Config.Tiny,
        _ => Qwen2Config.Small,
    };

    internal static RankerOptions InferenceOptions(IRankerOptions options)
    {
        var inference = options.Inference.Clone();
        inference.Mode = options.DecodingMode;
        inference.Seed = options.Seed;
        inference.Validate();
        return inference;
    }

    /// <summary>The trainer's options: the user's, or the defaults for the kind of model, with the top-level settings applied.</summary>
    internal static TrainingOptions TrainingOptionsFor(IRankerOptions options, bool scratch)
    {
        var training = options.Training?.Clone() ?? (scratch ? ScratchDefaults() : new TrainingOptions());
        training.WarmStartSteps = options.WarmStartSteps ?? (scratch ? ScratchWarmStartSteps : 0);
        training.Steps = options.TrainingSteps;
        training.Seed = options.Seed;
        if (options.TaskWeights is not null) training.TaskWeights = new Dictionary<string, double>(options.TaskWeights, StringComparer.Ordinal);
        training.Decoding = options.DecodingMode == DecodingMode.Choice ? RolloutDecoding.Choice : RolloutDecoding.FreeText;
        training.ResponseFormat = options.DecodingMode == DecodingMode.Reasoning ? ResponseFormat.Reasoning : ResponseFormat.AnswerOnly;
        return training;
    }

    private static TrainingOptions ScratchDefaults() => new()
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
        // as reshuffling every sample (docs/training.md).
        ShuffleCandidates = false,
    };

    private static PromptMode PromptModeOf(DecodingMode mode) => mode switch
    {
        DecodingMode.Reasoning => PromptMode.Reasoning,
        DecodingMode.Answer => PromptMode.Answer,
        _ => PromptMode.Choice,
    };

    /// <summary>Passes step metrics to the user's progress and a line every few steps to ML.NET's log.</summary>
    private sealed class MetricsRelay(IProgress<TrainingStepMetrics>? user, IProgress<string> log) : IProgress<TrainingStepMetrics>
    {
        public void Report(TrainingStepMetrics m)
        {
            user?.Report(m);
            if (m.Step == 1 || m.Step == m.TotalSteps || m.Step % 25 == 0)
                log.Report($"{m.Phase} step {m.Step}/{m.TotalSteps}: loss {m.Loss:F4}, reward {m.Reward:F3}, elimination accuracy {m.EliminationAccuracy:P0}, " +
                           $"KL {m.Kl:F4}, lr {m.LearningRate:G3}, {m.TokensPerSecond:N0} tokens/s, {m.SecondsPerStep:F3} s/step");
        }
    }
}
