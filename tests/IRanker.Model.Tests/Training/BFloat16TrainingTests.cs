using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Training;

/// <summary>
/// Training a model whose compute dtype is bfloat16 (as on a GPU): log-probabilities, values and losses are formed in
/// float32, so the steps run and report finite numbers.
/// </summary>
public class BFloat16TrainingTests
{
    [Theory]
    [InlineData(DecodingMode.Choice, RlAlgorithm.Grpo)]
    [InlineData(DecodingMode.Choice, RlAlgorithm.Ppo)]
    [InlineData(DecodingMode.Answer, RlAlgorithm.Grpo)]
    [InlineData(DecodingMode.Answer, RlAlgorithm.Ppo)]
    public void A_bfloat16_model_takes_warm_start_and_reinforcement_steps(DecodingMode decoding, RlAlgorithm algorithm)
    {
        TorchRuntime.EnsureInitialized();
        var task = new SyntheticPassageTask();
        var train = task.Queries(4, 3, seed: 5);
        var tokenizer = CompactTokenizer.Build(task.Corpus(train));
        manual_seed(3);
        var model = new Qwen2ForCausalLM(Qwen2Config.Tiny(tokenizer.VocabSize)).To(CPU, ScalarType.BFloat16);
        var options = new TrainingOptions
        {
            Mode = decoding, Algorithm = algorithm, GroupSize = 2, PromptsPerStep = 2, MicroBatchSize = 4, MaxResponseTokens = 4,
            WarmStartSteps = 1, WarmStartLearningRate = 1e-3, LearningRate = 1e-4, Steps = 1, KlCoefficient = 0.01,
        };
        var steps = new List<TrainingStepMetrics>();
        var trainer = new EliminationTrainer(model, tokenizer, SyntheticPassageTask.Prompt, options);

        var summary = trainer.Train(train, progress: new SynchronousProgress<TrainingStepMetrics>(steps.Add));

        summary.WarmStartSteps.Should().Be(1);
        summary.ReinforcementSteps.Should().Be(1);
        steps.Should().HaveCount(2).And.OnlyContain(s => double.IsFinite(s.Loss) && double.IsFinite(s.Kl) && double.IsFinite(s.Entropy));
        model.DType.Should().Be(ScalarType.BFloat16);
    }
}
