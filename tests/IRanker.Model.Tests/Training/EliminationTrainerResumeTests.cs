using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using IRanker.Model.Training;

namespace IRanker.Model.Tests.Training;

public sealed class EliminationTrainerResumeTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "iranker-resume-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    private static (List<RankingQuery> Train, CompactTokenizer Tokenizer) Task()
    {
        var task = new SyntheticPassageTask();
        var train = task.Queries(40, 4, seed: 5);
        return (train, CompactTokenizer.Build(task.Corpus(train)));
    }

    private static TrainingOptions Options(string? folder, DecodingMode decoding, RlAlgorithm algorithm) => new()
    {
        Mode = decoding,
        Algorithm = algorithm,
        MaxResponseTokens = 6,
        WarmStartSteps = 3,
        WarmStartLearningRate = 1e-3,
        LearningRate = 1e-3,
        Steps = 5,
        PromptsPerStep = 4,
        GroupSize = 3,
        KlCoefficient = 0.05,
        UpdatesPerRollout = 2,
        Samples = SampleSource.Mixed,
        MicroBatchSize = 8,
        CheckpointFolder = folder,
        CheckpointInterval = 2,
        Seed = 9,
    };

    /// <summary>A new model with the same initial weights as <paramref name="like"/> (tests run in parallel and share torch's global generator).</summary>
    private static Qwen2ForCausalLM Copy(Qwen2ForCausalLM like)
    {
        var model = new Qwen2ForCausalLM(like.Config);
        TrainablePolicy.CopyWeights(like, model);
        return model;
    }

    [Theory]
    [InlineData(DecodingMode.Choice, RlAlgorithm.Grpo)]
    [InlineData(DecodingMode.Answer, RlAlgorithm.Ppo)]
    public void Resume_after_cancellation_reproduces_the_uninterrupted_run(DecodingMode decoding, RlAlgorithm algorithm)
    {
        TorchRuntime.EnsureInitialized();
        var (train, tokenizer) = Task();

        // The uninterrupted run.
        var full = new List<TrainingStepMetrics>();
        var modelA = new Qwen2ForCausalLM(Qwen2Config.Tiny(tokenizer.VocabSize));
        var modelB = Copy(modelA);
        new EliminationTrainer(modelA, tokenizer, SyntheticPassageTask.Prompt, Options(Path.Combine(root, "a"), decoding, algorithm))
            .Train(train, null, new SynchronousProgress<TrainingStepMetrics>(full.Add));
        full.Should().HaveCount(8);

        // The same run, cancelled after global step 5 (a checkpoint exists at step 4).
        string folder = Path.Combine(root, "b");
        var first = new List<TrainingStepMetrics>();
        using var cancel = new CancellationTokenSource();
        var act = () => new EliminationTrainer(modelB, tokenizer, SyntheticPassageTask.Prompt, Options(folder, decoding, algorithm))
            .Train(train, null, new SynchronousProgress<TrainingStepMetrics>(m => { first.Add(m); if (first.Count == 5) cancel.Cancel(); }), cancel.Token);
        act.Should().Throw<OperationCanceledException>();
        first.Should().HaveCount(5);
        Directory.GetDirectories(folder, "step-*").Select(Path.GetFileName).Should().BeEquivalentTo(["step-000002", "step-000004"]);

        // Resume in a fresh trainer with a freshly initialised model: everything comes from the checkpoint.
        var modelC = new Qwen2ForCausalLM(Qwen2Config.Tiny(tokenizer.VocabSize));
        var resumed = new List<TrainingStepMetrics>();
        var summary = new EliminationTrainer(modelC, tokenizer, SyntheticPassageTask.Prompt, Options(folder, decoding, algorithm))
            .Train(train, null, new SynchronousProgress<TrainingStepMetrics>(resumed.Add));

        summary.ResumedFromStep.Should().Be(4);
        resumed.Select(m => (m.Phase, m.Step)).Should().Equal(full.Skip(4).Select(m => (m.Phase, m.Step)));
        for (int i = 0; i < resumed.Count; i++)
        {
            var (a, b) = (full[4 + i], resumed[i]);
            b.Loss.Should().BeApproximately(a.Loss, 1e-5, $"loss of {a.Phase} step {a.Step}");
            b.Reward.Should().Be(a.Reward, $"reward of {a.Phase} step {a.Step}");
            b.Kl.Should().BeApproximately(a.Kl, 1e-5);
            b.EliminationAccuracy.Should().Be(a.EliminationAccuracy);
        }
        var weightsA = modelA.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in modelC.named_parameters())
            p.allclose(weightsA[name], rtol: 1e-5, atol: 1e-6).Should().BeTrue($"{name} matches the uninterrupted run");
    }
}
