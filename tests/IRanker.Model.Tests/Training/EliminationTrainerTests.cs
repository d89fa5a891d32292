using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Training;

public class EliminationTrainerTests
{
    [Fact]
    public void Lora_is_rejected_with_a_clear_message_because_the_model_core_has_no_adapters()
    {
        var act = () => new TrainingOptions { LoraRank = 8 }.Validate();
        act.Should().Throw<ArgumentException>().WithMessage("*LoraRank is 8*not available*LoraRank = 0*");
    }

    [Theory]
    [InlineData(nameof(TrainingOptions.GroupSize), 1)]
    [InlineData(nameof(TrainingOptions.ClipEpsilon), 1.5)]
    [InlineData(nameof(TrainingOptions.KlCoefficient), -0.1)]
    [InlineData(nameof(TrainingOptions.MicroBatchSize), 0)]
    public void Out_of_range_options_are_named_in_the_error(string name, object value)
    {
        var options = new TrainingOptions();
        var property = typeof(TrainingOptions).GetProperty(name)!;
        property.SetValue(options, Convert.ChangeType(value, property.PropertyType));
        var act = options.Validate;
        act.Should().Throw<ArgumentException>().WithMessage($"*TrainingOptions.{name}*");
    }

    [Fact]
    public void Queries_without_labels_are_rejected_before_training()
    {
        TorchRuntime.EnsureInitialized();
        var task = new SyntheticPassageTask();
        var train = task.Queries(4, 3, seed: 1);
        var tokenizer = CompactTokenizer.Build(task.Corpus(train));
        var unlabeled = train[0] with { Candidates = train[0].Candidates.Select(c => c with { Label = null }).ToArray() };
        var trainer = new EliminationTrainer(new Qwen2ForCausalLM(Qwen2Config.Tiny(tokenizer.VocabSize)), tokenizer, SyntheticPassageTask.Prompt,
            new TrainingOptions { Steps = 1 });
        var act = () => trainer.Train([unlabeled]);
        act.Should().Throw<ArgumentException>().WithMessage($"*'{unlabeled.QueryId}'*label*");
    }

    [Fact]
    public void A_diverging_step_stops_training_and_keeps_the_last_good_checkpoint()
    {
        TorchRuntime.EnsureInitialized();
        var task = new SyntheticPassageTask();
        var train = task.Queries(8, 3, seed: 2);
        var tokenizer = CompactTokenizer.Build(task.Corpus(train));
        manual_seed(1);
        var model = new Qwen2ForCausalLM(Qwen2Config.Tiny(tokenizer.VocabSize));
        string folder = Path.Combine(Path.GetTempPath(), "iranker-nan-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new TrainingOptions { WarmStartSteps = 3, LearningRate = 1e-3, PromptsPerStep = 2, CheckpointFolder = folder, CheckpointInterval = 1, Steps = 0 };
            var trainer = new EliminationTrainer(model, tokenizer, SyntheticPassageTask.Prompt, options);
            var progress = new SynchronousProgress<TrainingStepMetrics>(m =>
            {
                if (m.Step == 2) using (no_grad()) model.LmHeadWeight.fill_(float.NaN);   // corrupt the weights after step 2
            });
            var act = () => trainer.Train(train, null, progress);
            act.Should().Throw<InvalidOperationException>().WithMessage("*diverged*WarmStart step 3*last good state*");
            Directory.GetDirectories(folder, "step-*").Select(Path.GetFileName).Should().Contain("step-000002").And.NotContain("step-000003");
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
