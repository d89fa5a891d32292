using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using IRanker.Model.Training;

namespace IRanker.Model.Tests.Training;

/// <summary>The language-model stage: it learns a corpus, a cancelled run resumes exactly, and its errors name the setting.</summary>
public sealed class LanguageModelTrainerTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "iranker-lm-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }

    /// <summary>Sentences with a pattern a small model picks up quickly: each colour is always followed by its own fruit.</summary>
    private static IEnumerable<string> Documents(int seed)
    {
        string[] colours = ["red", "green", "yellow", "purple", "orange"];
        string[] fruits = ["cherry", "lime", "banana", "grape", "mango"];
        var random = new Random(seed);
        while (true)
        {
            int a = random.Next(colours.Length), b = random.Next(colours.Length);
            yield return $"The {colours[a]} {fruits[a]} sits beside the {colours[b]} {fruits[b]}.";
        }
    }

    private static (Qwen2ForCausalLM Model, TextTokenizer Tokenizer) NewModel(int seed)
    {
        TorchRuntime.EnsureInitialized();
        var tokenizer = CompactTokenizer.Build(Documents(0).Take(200));
        TorchSharp.torch.manual_seed(seed);
        return (new Qwen2ForCausalLM(Qwen2Config.Tiny(tokenizer.VocabSize)), tokenizer);
    }

    private static LanguageModelOptions Options(string? folder, int steps = 6) => new()
    {
        Steps = steps, SequenceLength = 24, BatchSize = 4, LearningRate = 3e-3, WarmupSteps = 2,
        CheckpointFolder = folder, CheckpointInterval = 2,
    };

    [Fact]
    public void Training_lowers_the_next_token_loss_of_held_out_text()
    {
        var (model, tokenizer) = NewModel(1);
        using var _ = model;
        var trainer = new LanguageModelTrainer(model, tokenizer, Options(null, steps: 60));
        double before = trainer.Evaluate(Documents(99), 16);
        var summary = trainer.Train(Documents(1));
        double after = trainer.Evaluate(Documents(99), 16);

        summary.Steps.Should().Be(60);
        summary.LastStep!.Step.Should().Be(60);
        after.Should().BeLessThan(before * 0.6, $"60 steps on a two-pattern corpus should cut the held-out loss well below its start ({before:F3})");
        model.training.Should().BeFalse("the trainer leaves the model in evaluation mode");
    }

    [Fact]
    public void A_cancelled_run_resumes_from_its_checkpoint_as_the_uninterrupted_run()
    {
        var (full, tokenizer) = NewModel(2);
        var (resumed, _) = NewModel(2);
        using var a = full;
        using var b = resumed;
        var fullLosses = new List<double>();
        new LanguageModelTrainer(full, tokenizer, Options(null)).Train(Documents(3), new SynchronousProgress<LanguageModelStepMetrics>(m => fullLosses.Add(m.Loss)));

        string folder = Path.Combine(root, "run");
        using var cancel = new CancellationTokenSource();
        var firstLosses = new List<double>();
        var first = new LanguageModelTrainer(resumed, tokenizer, Options(folder)).Train(Documents(3),
            new SynchronousProgress<LanguageModelStepMetrics>(m => { firstLosses.Add(m.Loss); if (m.Step == 3) cancel.Cancel(); }), cancel.Token);
        first.Steps.Should().Be(3);
        first.LastCheckpoint.Should().EndWith("step-000003", "a cancelled run writes the checkpoint of its last finished step");

        // A fresh model (other weights) and trainer: everything comes from the checkpoint.
        var (fresh, _) = NewModel(7);
        using var c = fresh;
        var restLosses = new List<double>();
        var rest = new LanguageModelTrainer(fresh, tokenizer, Options(folder)).Train(Documents(3), new SynchronousProgress<LanguageModelStepMetrics>(m => restLosses.Add(m.Loss)));

        rest.ResumedFromStep.Should().Be(3);
        rest.Steps.Should().Be(3);
        firstLosses.Concat(restLosses).Should().Equal(fullLosses, (x, y) => Math.Abs(x - y) < 1e-5);
        var expected = full.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in fresh.named_parameters())
            (p - expected[name]).abs().max().item<float>().Should().BeLessThan(1e-6f, name);
    }

    [Fact]
    public void Running_out_of_documents_names_the_tokens_needed()
    {
        var (model, tokenizer) = NewModel(4);
        using var _ = model;
        var trainer = new LanguageModelTrainer(model, tokenizer, Options(null, steps: 5));
        var act = () => trainer.Train(Documents(5).Take(3));
        act.Should().Throw<ArgumentException>().WithMessage("*ran out*5 steps of 4 sequences of 25 tokens*");
    }

    [Fact]
    public void A_setting_out_of_range_is_named()
    {
        var (model, tokenizer) = NewModel(5);
        using var _ = model;
        var act = () => new LanguageModelTrainer(model, tokenizer, new LanguageModelOptions { SequenceLength = 1 });
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*LanguageModelOptions.SequenceLength must be at least 2*");
    }
}
