using IRanker.Model.Checkpoints;
using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Tests.Modeling;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Checkpoints;

[Collection(GlobalRandomState.Name)]
public sealed class LeanLoadingTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "iranker-lean-" + Guid.NewGuid().ToString("N"));

    public LeanLoadingTests() => TorchRuntime.EnsureInitialized();

    public void Dispose()
    {
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
    }

    [Theory]
    [InlineData(true, ScalarType.BFloat16)]
    [InlineData(false, ScalarType.Float32)]
    public void Loaded_parameters_equal_the_file_in_the_asked_dtype_and_device(bool tied, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        TinyModel.Create(tied).SavePretrained(folder);

        var loaded = Qwen2ForCausalLM.FromPretrained(folder, CPU, dtype);

        loaded.DType.Should().Be(dtype);
        loaded.Device.type.Should().Be(TorchSharp.DeviceType.CPU);
        if (tied) loaded.LmHeadWeight.Should().BeSameAs(loaded.Decoder.EmbeddingWeight);
        using var checkpoint = SafeTensorsCheckpoint.Open(folder);
        foreach (var (name, parameter) in loaded.named_parameters())
        {
            parameter.dtype.Should().Be(dtype, name);
            parameter.device_type.Should().Be(TorchSharp.DeviceType.CPU, name);
            parameter.requires_grad.Should().BeTrue(name);
            using var stored = checkpoint.Read(name);
            parameter.equal(stored.to(dtype)).all().item<bool>().Should().BeTrue(name);
        }
    }

    [Fact]
    public void Loading_draws_no_random_numbers()
    {
        using var scope = NewDisposeScope();
        TinyModel.Create().SavePretrained(folder);

        manual_seed(11);
        var expected = rand(4);
        manual_seed(11);
        _ = Qwen2ForCausalLM.FromPretrained(folder);
        var next = rand(4);

        next.equal(expected).all().item<bool>().Should().BeTrue("parameters are allocated without random initialisation and then read from the file");
    }
}
