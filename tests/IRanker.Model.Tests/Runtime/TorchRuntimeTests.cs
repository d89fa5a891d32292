using IRanker.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Runtime;

public class TorchRuntimeTests
{
    [Fact]
    public void A_small_module_runs_forward_and_backward()
    {
        TorchRuntime.EnsureInitialized();
        using var scope = NewDisposeScope();
        manual_seed(7);
        var layer = nn.Linear(4, 3);
        var x = randn(5, 4);
        var loss = layer.forward(x).pow(2).mean();
        loss.backward();

        var grad = layer.weight!.grad!;
        grad.shape.Should().Equal(3, 4);
        grad.abs().sum().item<float>().Should().BeGreaterThan(0f);

        // d/dW mean((xW^T + b)^2) = 2/(5*3) * (xW^T + b)^T x, checked by hand.
        using (no_grad())
        {
            var y = x.matmul(layer.weight!.t()) + layer.bias!;
            var expected = y.t().matmul(x) * (2.0f / 15f);
            grad.allclose(expected, rtol: 1e-4, atol: 1e-6).Should().BeTrue();
        }
    }

    [Fact]
    public void Initialisation_is_idempotent_and_reports_the_source()
    {
        var first = TorchRuntime.EnsureInitialized();
        var second = TorchRuntime.EnsureInitialized();
        second.Should().BeSameAs(first);
        first.LibTorchSource.Should().NotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("CPU")]
    [InlineData(" auto ")]
    public void Cpu_and_auto_resolve_without_a_gpu(string name)
    {
        var device = TorchRuntime.ResolveDevice(name);
        if (!TorchRuntime.EnsureInitialized().CudaAvailable) device.type.Should().Be(DeviceType.CPU);
    }

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    public void An_unknown_device_name_is_rejected_with_the_valid_names(string name)
    {
        var act = () => TorchRuntime.ResolveDevice(name);
        act.Should().Throw<ArgumentException>().WithMessage($"*'{name}'*\"cpu\"*\"cuda:N\"*");
    }

    [Fact]
    public void Asking_for_cuda_without_cuda_says_how_to_get_it()
    {
        if (TorchRuntime.EnsureInitialized().CudaAvailable) return; // this check is about CPU-only machines
        var act = () => TorchRuntime.ResolveDevice("cuda:0");
        act.Should().Throw<InvalidOperationException>()
            .WithMessage("*CUDA is not available*TorchBackend=cuda*IRANKER_LIBTORCH*");
    }
}
