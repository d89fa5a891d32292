using IRanker.Model.Checkpoints;
using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Modeling;

public sealed class LoraCheckpointTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "iranker-lora-" + Guid.NewGuid().ToString("N"));

    public LoraCheckpointTests() => IRanker.Model.Runtime.TorchRuntime.EnsureInitialized();

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Saving_writes_a_merged_plain_checkpoint_and_leaves_the_live_model_adapted(bool tied)
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create(tied).ApplyLora(new LoraOptions { Rank = 4 });
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        LoraTests.Step(model, ids, mask);
        var adapted = LoraTests.Logits(model, ids, mask);
        var baseQ = model.named_parameters().Single(p => p.name == "model.layers.0.self_attn.q_proj.weight").parameter.detach().clone();

        model.SavePretrained(folder);

        using (var file = SafeTensorsFile.Open(Path.Combine(folder, SafeTensorsCheckpoint.SingleFileName)))
            file.Entries.Keys.Should().NotContain(n => n.Contains("lora_"));
        var loaded = Qwen2ForCausalLM.FromPretrained(folder);
        loaded.Lora.Should().BeNull();
        LoraTests.AssertClose(LoraTests.Logits(loaded, ids, mask), adapted);

        model.Lora.Should().NotBeNull();
        model.named_parameters().Single(p => p.name == "model.layers.0.self_attn.q_proj.weight").parameter.equal(baseQ).all().item<bool>().Should().BeTrue();
        LoraTests.Logits(model, ids, mask).equal(adapted).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Saved_adapters_load_onto_a_fresh_base_model()
    {
        using var scope = NewDisposeScope();
        var model = TinyModel.Create();
        var baseFolder = Path.Combine(folder, "base");
        var adapterFolder = Path.Combine(folder, "adapters");
        model.SavePretrained(baseFolder);
        model.ApplyLora(new LoraOptions { Rank = 2, Alpha = 8, TargetModules = ["v_proj", "up_proj"] });
        var (ids, mask) = TinyModel.LeftPaddedBatch();
        LoraTests.Step(model, ids, mask);
        var adapted = LoraTests.Logits(model, ids, mask);

        model.SaveAdapters(adapterFolder);

        using (var file = SafeTensorsFile.Open(Path.Combine(adapterFolder, "adapter_model.safetensors")))
            file.Entries.Keys.Should().Contain("base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight")
                .And.HaveCount(model.Config.NumHiddenLayers * 2 * 2);
        var fresh = Qwen2ForCausalLM.FromPretrained(baseFolder).LoadAdapters(adapterFolder);
        fresh.Lora!.Rank.Should().Be(2);
        fresh.Lora.EffectiveAlpha.Should().Be(8);
        fresh.Lora.TargetModules.Should().BeEquivalentTo(["v_proj", "up_proj"]);
        LoraTests.Logits(fresh, ids, mask).equal(adapted).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void Adapters_of_another_shape_are_refused()
    {
        using var scope = NewDisposeScope();
        TinyModel.Create().ApplyLora(new LoraOptions { Rank = 2 }).SaveAdapters(folder);
        var other = TinyModel.Create().ApplyLora(new LoraOptions { Rank = 4 });
        FluentActions.Invoking(() => other.LoadAdapters(folder)).Should().Throw<InvalidOperationException>().WithMessage("*rank 2*rank 4*");
    }
}
