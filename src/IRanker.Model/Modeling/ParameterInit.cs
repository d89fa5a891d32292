using IRanker.Model.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// How the modules allocate their parameters: randomly initialised on the CPU in float32 (a new model), or
/// uninitialised directly on a target device and dtype (a model whose every parameter is about to be loaded, so that
/// loading a checkpoint neither pays for random initialisation nor holds a float32 copy of a low-precision model).
/// </summary>
internal sealed class ParameterInit
{
    private readonly Device? device;
    private readonly ScalarType dtype;

    private ParameterInit(Device? device, ScalarType dtype)
    {
        this.device = device;
        this.dtype = dtype;
    }

    /// <summary>Random values as Hugging Face initialises Qwen2, on the CPU in float32.</summary>
    internal static ParameterInit Random { get; } = new(null, ScalarType.Float32);

    /// <summary>Uninitialised memory on <paramref name="device"/> in <paramref name="dtype"/>; every parameter must be overwritten.</summary>
    internal static ParameterInit Uninitialised(Device device, ScalarType dtype) => new(device, dtype);

    /// <summary>A linear layer with weight [out, in] and optional bias [out].</summary>
    internal Linear Linear(long inputSize, long outputSize, bool hasBias) =>
        device is null
            ? nn.Linear(inputSize, outputSize, hasBias)
            : nn.Linear(Empty(outputSize, inputSize), hasBias ? Empty(outputSize) : null);

    /// <summary>A [rows, columns] table drawn from N(0, <paramref name="std"/>^2).</summary>
    internal Parameter Normal(long rows, long columns, double std)
    {
        if (device is not null) return Empty(rows, columns);
        using var scope = NewDisposeScope();
        var values = randn(rows, columns).Times(std).MoveToOuterDisposeScope();
        return new Parameter(values);
    }

    /// <summary>A [size] vector of ones.</summary>
    internal Parameter Ones(long size) => device is null ? new Parameter(ones(size)) : Empty(size);

    private Parameter Empty(params long[] shape) => new(empty(shape, dtype, device));
}
