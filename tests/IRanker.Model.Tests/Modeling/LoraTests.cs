using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Modeling;

public class LoraTests
{
    private const int AdaptedProjectionsPerLayer = 7;

    public LoraTests() => IRanker.Model.Runtime.TorchRuntime.EnsureInitialized();

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void New_adapters_leave_the_outputs_unchanged(ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create().To(CPU, dtype);
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        var before = Logits(model, ids, mask);

        model.ApplyLora(new LoraOptions { Rank = 4 });

        foreach (var p in model.TrainableParameters()) p.dtype.Should().Be(dtype);
        Logits(model, ids, mask).equal(before).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Only_adapter_parameters_are_trainable()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create();
        model.TrainableParameters().Count().Should().Be(model.parameters().Count(), "without LoRA every parameter is trainable");

        model.ApplyLora(new LoraOptions { Rank = 4, TargetModules = ["q_proj", "down_proj"] });

        var trainable = model.TrainableParameters().ToList();
        trainable.Should().HaveCount(model.Config.NumHiddenLayers * 2 * 2);
        trainable.Should().OnlyContain(p => p.requires_grad);
        var adapterNames = model.named_parameters().Where(p => p.name.Contains(".lora_")).Select(p => p.name).ToList();
        adapterNames.Should().HaveCount(trainable.Count).And.Contain("model.layers.1.self_attn.q_proj.lora_A.weight", "model.layers.0.mlp.down_proj.lora_B.weight");
        model.named_parameters().Where(p => !p.name.Contains(".lora_")).Should().OnlyContain(p => !p.parameter.requires_grad);
        model.named_parameters().Select(p => p.name).Should().Contain("model.layers.0.self_attn.q_proj.weight", "the base keeps its Hugging Face names");
    }

    [Fact]
    public void A_training_step_changes_the_outputs_but_leaves_every_base_weight_bit_identical()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create().ApplyLora(new LoraOptions { Rank = 4 });
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        var baseWeights = model.named_parameters().Where(p => !p.name.Contains(".lora_")).ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var before = Logits(model, ids, mask);

        Step(model, ids, mask);

        foreach (var (name, parameter) in model.named_parameters().Where(p => !p.name.Contains(".lora_")))
        {
            parameter.equal(baseWeights[name]).all().item<bool>().Should().BeTrue(name);
            parameter.grad.Should().BeNull(name);
        }
        Logits(model, ids, mask).equal(before).all().item<bool>().Should().BeFalse("the adapters were trained");
    }

    [Fact]
    public void Disabled_adapters_give_the_base_outputs_until_the_scope_ends()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create();
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        var baseLogits = Logits(model, ids, mask);
        model.ApplyLora(new LoraOptions { Rank = 4 });
        Step(model, ids, mask);
        var adapted = Logits(model, ids, mask);

        using (model.DisableAdapters())
        {
            using (model.DisableAdapters()) Logits(model, ids, mask).equal(baseLogits).all().item<bool>().Should().BeTrue();
            Logits(model, ids, mask).equal(baseLogits).all().item<bool>().Should().BeTrue("an inner scope restores the outer state");
        }

        Logits(model, ids, mask).equal(adapted).all().item<bool>().Should().BeTrue();
        adapted.equal(baseLogits).all().item<bool>().Should().BeFalse();
    }

    [Fact]
    public void Merging_gives_the_adapted_logits_and_a_plain_model()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create().ApplyLora(new LoraOptions { Rank = 4, Alpha = 16 });
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        Step(model, ids, mask);
        var adapted = Logits(model, ids, mask);

        model.MergeLora();

        var merged = Logits(model, ids, mask);
        AssertClose(merged, adapted);
        model.Lora.Should().BeNull();
        model.named_parameters().Should().NotContain(p => p.name.Contains(".lora_"));
        model.named_parameters().Should().OnlyContain(p => p.parameter.requires_grad, "what was trainable before LoRA is trainable again");
        model.TrainableParameters().Count().Should().Be(model.parameters().Count());
    }

    [Fact]
    public void Adapters_train_in_bfloat16()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create().To(CPU, ScalarType.BFloat16).ApplyLora(new LoraOptions { Rank = 4, Dropout = 0.1 });
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        var before = Logits(model, ids, mask);

        model.train();
        Step(model, ids, mask);
        model.eval();

        var after = Logits(model, ids, mask);
        after.dtype.Should().Be(ScalarType.BFloat16);
        after.isfinite().all().item<bool>().Should().BeTrue();
        after.equal(before).all().item<bool>().Should().BeFalse();
        using (model.DisableAdapters()) Logits(model, ids, mask).equal(before).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void A_dtype_change_after_applying_keeps_adapters_trainable_and_the_base_frozen()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create().ApplyLora(new LoraOptions { Rank = 4 }).To(CPU, ScalarType.BFloat16);
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        var baseWeights = model.named_parameters().Where(p => !p.name.Contains(".lora_")).ToDictionary(p => p.name, p => p.parameter.detach().clone());
        var before = Logits(model, ids, mask);

        Step(model, ids, mask);

        model.TrainableParameters().Should().OnlyContain(p => p.dtype == ScalarType.BFloat16 && p.requires_grad);
        model.named_parameters().Where(p => model.TrainableParameters().Contains(p.parameter)).Should().OnlyContain(p => p.name.Contains(".lora_"));
        foreach (var (name, parameter) in model.named_parameters().Where(p => !p.name.Contains(".lora_")))
            parameter.equal(baseWeights[name]).all().item<bool>().Should().BeTrue(name);
        Logits(model, ids, mask).equal(before).all().item<bool>().Should().BeFalse();
    }

    [Fact]
    public void Invalid_options_and_misuse_are_explained()
    {
        var model = TinyModel.Create();
        FluentActions.Invoking(() => model.DisableAdapters()).Should().Throw<InvalidOperationException>().WithMessage("*ApplyLora*");
        FluentActions.Invoking(() => model.ApplyLora(new LoraOptions { Rank = 0 })).Should().Throw<ArgumentException>().WithMessage("*Rank*0*");
        FluentActions.Invoking(() => model.ApplyLora(new LoraOptions { TargetModules = ["qkv_proj"] }))
            .Should().Throw<ArgumentException>().WithMessage("*'qkv_proj'*q_proj*");
        model.TrainableParameters().Should().OnlyContain(p => p.requires_grad, "a rejected option changes nothing");
        model.ApplyLora();
        FluentActions.Invoking(() => model.ApplyLora()).Should().Throw<InvalidOperationException>().WithMessage("*already*");
    }

    internal static Tensor Logits(Qwen2ForCausalLM model, Tensor ids, Tensor mask)
    {
        using var noGrad = no_grad();
        using var output = model.Forward(ids, mask);
        return output.Logits.detach().clone();
    }

    /// <summary>One AdamW step on the adapters (or all parameters without LoRA) for a next-token loss.</summary>
    internal static void Step(Qwen2ForCausalLM model, Tensor ids, Tensor mask)
    {
        using var scope = NewDisposeScope();
        var optimizer = optim.AdamW(model.TrainableParameters(), lr: 1e-2);
        // Two steps: B starts at zero, so the first step moves only B and the second moves A as well.
        for (int i = 0; i < 2; i++)
        {
            optimizer.zero_grad();
            using var output = model.Forward(ids, mask);
            var logProbs = output.Logits.to(ScalarType.Float32).log_softmax(-1);          // [batch, seq, vocab]
            var targets = ids.narrow(1, 1, ids.shape[1] - 1).unsqueeze(-1);                 // [batch, seq - 1, 1]
            var loss = logProbs.narrow(1, 0, ids.shape[1] - 1).gather(2, targets).mean().neg();
            loss.backward();
            optimizer.step();
        }
    }

    internal static void AssertClose(Tensor actual, Tensor expected)
    {
        var scale = expected.abs().max().item<float>();
        var difference = (actual - expected).abs().max().item<float>();
        difference.Should().BeLessThanOrEqualTo(1e-4f * scale);
    }
}
