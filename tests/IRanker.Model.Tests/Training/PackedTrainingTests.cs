using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Training;

namespace IRanker.Model.Tests.Training;

/// <summary>The trainer with packed eliminations: every phase and sample source runs, and a cancelled run resumes exactly.</summary>
public sealed class PackedTrainingTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "iranker-packed-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private static TrainingOptions Options(string? folder, RlAlgorithm algorithm, SampleSource samples, bool packed = true) => new()
    {
        Mode = DecodingMode.Choice,
        Algorithm = algorithm,
        WarmStartSteps = 3,
        WarmStartBatchSize = 6,
        WarmStartLearningRate = 1e-3,
        LearningRate = 1e-3,
        Steps = 5,
        PromptsPerStep = 5,
        GroupSize = 3,
        KlCoefficient = 0.05,
        UpdatesPerRollout = 2,
        Samples = samples,
        MicroBatchSize = 2,
        PackEliminations = packed,
        PackTokens = 200,
        CheckpointFolder = folder,
        CheckpointInterval = 2,
        Seed = 9,
    };

    /// <summary>A bundle around a copy of <paramref name="like"/>'s weights (tests run in parallel and share torch's global generator).</summary>
    private static IRankerModel Copy(IRankerModel like)
    {
        var model = new Qwen2ForCausalLM(like.Model.Config);
        TrainablePolicy.CopyWeights(like.Model, model);
        return new IRankerModel(model, like.Tokenizer, style: like.Style, layout: like.Layout);
    }

    [Theory]
    [InlineData(RlAlgorithm.Grpo, SampleSource.Mixed)]
    [InlineData(RlAlgorithm.Ppo, SampleSource.Trajectories)]
    [InlineData(RlAlgorithm.Grpo, SampleSource.SubLists)]
    public void A_packed_run_resumes_after_cancellation_exactly_as_the_uninterrupted_run(RlAlgorithm algorithm, SampleSource samples)
    {
        TorchRuntime.EnsureInitialized();
        var train = new SyntheticPassageTask().Queries(40, 5, seed: 5);
        using var original = IRankerModel.CreateFromScratch(train, Qwen2Config.Tiny, seed: 3, style: PromptStyle.Compact, layout: PromptLayout.AppendOnly);
        using var modelA = Copy(original);
        using var modelB = Copy(original);

        var full = new List<TrainingStepMetrics>();
        new EliminationTrainer(modelA, Options(Path.Combine(root, "a"), algorithm, samples)).Train(train, null, new SynchronousProgress<TrainingStepMetrics>(full.Add));
        full.Should().HaveCount(8);
        full.Should().OnlyContain(m => double.IsFinite(m.Loss) && m.TokensPerSecond > 0);

        string folder = Path.Combine(root, "b");
        var first = new List<TrainingStepMetrics>();
        using var cancel = new CancellationTokenSource();
        var act = () => new EliminationTrainer(modelB, Options(folder, algorithm, samples))
            .Train(train, null, new SynchronousProgress<TrainingStepMetrics>(m => { first.Add(m); if (first.Count == 5) cancel.Cancel(); }), cancel.Token);
        act.Should().Throw<OperationCanceledException>();

        using var modelC = Copy(original);
        var resumed = new List<TrainingStepMetrics>();
        var summary = new EliminationTrainer(modelC, Options(folder, algorithm, samples)).Train(train, null, new SynchronousProgress<TrainingStepMetrics>(resumed.Add));

        summary.ResumedFromStep.Should().Be(4);
        resumed.Select(m => (m.Phase, m.Step)).Should().Equal(full.Skip(4).Select(m => (m.Phase, m.Step)));
        for (int i = 0; i < resumed.Count; i++)
        {
            var (a, b) = (full[4 + i], resumed[i]);
            b.Loss.Should().BeApproximately(a.Loss, 1e-5, $"loss of {a.Phase} step {a.Step}");
            b.Reward.Should().Be(a.Reward, $"reward of {a.Phase} step {a.Step}");
            b.EliminationAccuracy.Should().Be(a.EliminationAccuracy);
        }
        var weightsA = modelA.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in modelC.Model.named_parameters())
            p.allclose(weightsA[name], rtol: 1e-5, atol: 1e-6).Should().BeTrue($"{name} matches the uninterrupted run");
    }

    [Fact]
    public void A_packed_step_runs_fewer_tokens_than_a_single_step_and_a_batch_counts_lists()
    {
        TorchRuntime.EnsureInitialized();
        var train = new SyntheticPassageTask().Queries(40, 7, seed: 6);
        using var original = IRankerModel.CreateFromScratch(train, Qwen2Config.Tiny, seed: 4, style: PromptStyle.Compact, layout: PromptLayout.AppendOnly);
        double Tokens(bool packed)
        {
            using var model = Copy(original);
            var options = Options(null, RlAlgorithm.Grpo, SampleSource.SubLists, packed);
            options.WarmStartSteps = 6;
            options.WarmStartBatchSize = 24;
            options.PackTokens = 4096;
            var metrics = new List<TrainingStepMetrics>();
            new EliminationTrainer(model, options).WarmStart(train, new SynchronousProgress<TrainingStepMetrics>(metrics.Add));
            metrics.Should().OnlyContain(m => m.EliminationSteps >= options.WarmStartBatchSize);
            if (!packed) metrics.Should().OnlyContain(m => m.EliminationSteps == options.WarmStartBatchSize);
            return metrics.Sum(m => m.TokensPerSecond * m.SecondsPerStep) / metrics.Sum(m => m.EliminationSteps);
        }

        double single = Tokens(packed: false), packed = Tokens(packed: true);
        packed.Should().BeLessThan(0.75 * single, "a packed elimination runs the shared prefix of its steps once (tokens per step trained)");
    }

    [Fact]
    public void Packing_is_off_where_it_cannot_apply_and_its_budget_is_checked()
    {
        FluentActions.Invoking(() => new TrainingOptions { PackTokens = 0 }.Validate()).Should().Throw<ArgumentException>().WithMessage("*PackTokens*0*");
        // The rebuilt layout: the steps' prompts do not extend one another, so samples stay single steps and training runs.
        var train = new SyntheticPassageTask().Queries(12, 4, seed: 7);
        using var model = IRankerModel.CreateFromScratch(train, Qwen2Config.Tiny, seed: 5, style: PromptStyle.Compact, layout: PromptLayout.Rebuilt);
        var options = Options(null, RlAlgorithm.Grpo, SampleSource.SubLists);
        options.Steps = 1;
        var summary = new EliminationTrainer(model, options).Train(train);
        summary.WarmStartSteps.Should().Be(3);
        summary.ReinforcementSteps.Should().Be(1);
    }
}
