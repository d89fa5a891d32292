using IRanker.Model;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Training;

namespace IRanker.MLNet.Engine;

/// <summary>
/// Trains and loads the IRanker engine: a new small model built from the training data (compact tokenizer + random
/// Qwen2) or a Hugging Face checkpoint from <see cref="IRankerOptions.ModelPath"/>, then warm start and RL with
/// <see cref="EliminationTrainer"/>.
/// </summary>
internal sealed class ModelRankingEngineFactory : IRankingEngineFactory
{
    public static readonly ModelRankingEngineFactory Instance = new();

    public string Name => "IRanker";

    public IRankingEngine Train(IReadOnlyList<RankingQuery> train, IRankerOptions options, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var device = TorchRuntime.ResolveDevice(options.Device);
        bool scratch = options.ModelPath is null;
        var model = scratch
            ? IRankerModel.CreateFromScratch(train, ShapeOf(options.ScratchModelSize), options.Seed, device, options.ScratchPromptStyle, options.PromptLayout ?? ScratchLayout(options.DecodingMode))
            : IRankerModel.Load(options.ModelPath!, device);   // IRankerTrainer has checked that the folder exists
        if (options.PromptLayout is { } layout) model.Layout = layout;   // a checkpoint trained further in another layout
        if (options.ChoiceScoring is { } scoring) model.ChoiceScoring = scoring;
        progress.Report(scratch
            ? $"New {options.ScratchModelSize} model: {model.Model.ParameterCount:N0} parameters, vocabulary {model.Tokenizer.VocabSize:N0} (compact, from the training data), {options.ScratchPromptStyle} prompts, {model.Layout} layout, {model.ChoiceScoring} choice scoring, on {device}."
            : $"Loaded {options.ModelPath}: {model.Model.ParameterCount:N0} parameters, {model.Layout} layout, {model.ChoiceScoring} choice scoring, on {device}.");
        try
        {
            var resolved = ResolvedOptions.Resolve(options, scratch);
            // IRankerTrainer.Fit hands over only the groups with two or more candidates.
            if (train.Count > 0 && (resolved.Training.WarmStartSteps > 0 || resolved.Training.Steps > 0))
            {
                model.Model.train();
                var trainer = new EliminationTrainer(model, resolved.Training);
                var relay = new MetricsRelay(options.TrainingProgress, progress);
                if (resolved.Training.WarmStartSteps > 0) trainer.WarmStart(train, relay, cancellationToken);
                if (resolved.Training.Steps > 0) trainer.Train(train, null, relay, cancellationToken);
                model.Model.eval();
            }
            return new ModelRankingEngine(model, resolved.Inference);
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
        return new ModelRankingEngine(model, ResolvedOptions.InferenceFor(options));
    }

    /// <summary>
    /// The layout of a model trained from scratch when none is asked for: append-only, which learned routing better than
    /// the rebuilt layout on both quickstart seeds measured (docs/benchmarks.md) and ranks with fewer tokens; rebuilt in
    /// Reasoning mode, which the append-only layout does not support.
    /// </summary>
    internal static PromptLayout ScratchLayout(DecodingMode mode) => mode == DecodingMode.Reasoning ? PromptLayout.Rebuilt : PromptLayout.AppendOnly;

    private static Func<int, Qwen2Config> ShapeOf(ScratchModelSize size) => size switch
    {
        ScratchModelSize.Tiny => Qwen2Config.Tiny,
        _ => Qwen2Config.Small,
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
