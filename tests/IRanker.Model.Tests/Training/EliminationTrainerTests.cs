using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Training;

public class EliminationTrainerTests
{
    [Fact]
    public void Lora_training_changes_only_the_adapters_and_keeps_the_base_as_the_reference()
    {
        TorchRuntime.EnsureInitialized();
        var task = new SyntheticPassageTask();
        var train = task.Queries(16, 4, seed: 3);
        var tokenizer = CompactTokenizer.Build(task.Corpus(train));
        var model = new Qwen2ForCausalLM(Qwen2Config.Tiny(tokenizer.VocabSize));
        var before = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var options = new TrainingOptions
        {
            LoraRank = 4, WarmStartSteps = 3, WarmStartLearningRate = 1e-2, LearningRate = 1e-2, Steps = 3,
            PromptsPerStep = 4, GroupSize = 4, KlCoefficient = 0.1, MicroBatchSize = 64,
        };
        var metrics = new List<TrainingStepMetrics>();
        new EliminationTrainer(model, tokenizer, SyntheticPassageTask.Prompt, options).Train(train, null, new SynchronousProgress<TrainingStepMetrics>(metrics.Add));

        model.Lora!.Rank.Should().Be(4);
        var after = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, value) in before)
            after[name].allclose(value, rtol: 0, atol: 0).Should().BeTrue($"base weight {name} is frozen under LoRA");
        var adapters = after.Where(p => p.Key.Contains("lora_B")).ToList();
        adapters.Should().NotBeEmpty();
        adapters.Should().Contain(p => p.Value.abs().sum().item<float>() > 0, "the adapters were trained (B starts at zero)");
        // The reference is the base with adapters off; the warm start already moved the adapters, so every RL step has KL > 0.
        metrics.Where(m => m.Phase == TrainingPhase.Reinforcement).Should().OnlyContain(m => m.Kl > 0);

        using var _ = no_grad();
        var ids = tensor(tokenizer.Encode(SyntheticPassageTask.Prompt(train[0], [0, 1, 2, 3])).Select(i => (long)i).ToArray()).unsqueeze(0);
        using (model.DisableAdapters())
        {
            var baseModel = new Qwen2ForCausalLM(model.Config);
            foreach (var (name, p) in baseModel.named_parameters()) p.copy_(before[name]);
            model.Forward(ids).Logits.allclose(baseModel.Forward(ids).Logits, rtol: 1e-4, atol: 1e-5).Should().BeTrue("with adapters off the model is the untouched base");
        }
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
