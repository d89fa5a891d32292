using IRanker.Model.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// A linear projection with a frozen base weight and a trainable low-rank update:
/// <c>y = W x + b + scale · B (A x)</c>, W [out, in], A [rank, in], B [out, rank].
/// </summary>
/// <remarks>
/// The base weight and bias are the very Parameter objects of the wrapped layer, under the same names
/// (<c>weight</c>, <c>bias</c>), so the base part of the state dict keeps its Hugging Face keys; the adapter adds
/// <c>lora_A.weight</c> and <c>lora_B.weight</c>. B starts at zero, so a new adapter leaves the output unchanged.
/// </remarks>
internal sealed class LoraLinear : nn.Module<Tensor, Tensor>
{
    private readonly double scale;
    private readonly double dropout;
    private readonly LoraSwitch adapters;

    // Named as in Hugging Face / PEFT state dicts.
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly Linear lora_A;
    private readonly Linear lora_B;

    /// <summary>Wraps <paramref name="linear"/>; the adapter is created on its weight's device and dtype.</summary>
    internal LoraLinear(string name, Linear linear, LoraOptions options, LoraSwitch adapters) : base(name)
    {
        scale = options.Scale;
        dropout = options.Dropout;
        this.adapters = adapters;
        weight = linear.weight ?? throw new ArgumentException($"Projection '{name}' has no weight.", nameof(linear));
        bias = linear.bias;
        long outputSize = weight.shape[0], inputSize = weight.shape[1];

        using (no_grad())
        {
            // A as nn.Linear initialises its weight (Kaiming-uniform with a = sqrt(5): U(-1/sqrt(in), 1/sqrt(in))); B zero.
            double bound = 1.0 / Math.Sqrt(inputSize);
            var a = empty([options.Rank, inputSize], weight.dtype, weight.device).uniform_(-bound, bound); // [rank, in]
            var b = zeros([outputSize, options.Rank], weight.dtype, weight.device);                         // [out, rank]
            lora_A = nn.Linear(new Parameter(a));
            lora_B = nn.Linear(new Parameter(b));
        }
        register_parameter("weight", weight);
        if (bias is not null) register_parameter("bias", bias);
        register_module("lora_A", lora_A);
        register_module("lora_B", lora_B);
    }

    /// <summary>The base weight [out, in].</summary>
    internal Parameter Weight => weight;

    /// <summary>The base bias [out], or null.</summary>
    internal Parameter? Bias => bias;

    /// <summary>The down projection A [rank, in].</summary>
    internal Parameter A => lora_A.weight!;

    /// <summary>The up projection B [out, rank].</summary>
    internal Parameter B => lora_B.weight!;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var y = nn.functional.linear(x, weight, bias);                                   // [..., out]
        if (adapters.Enabled)
        {
            var input = dropout > 0 ? nn.functional.dropout(x, dropout, training) : x;  // [..., in]
            var low = nn.functional.linear(input, A);                                    // [..., rank]
            y = y.Plus(nn.functional.linear(low, B).Times(scale));                                // [..., out]
        }
        return y.MoveToOuterDisposeScope();
    }

    /// <summary>A new tensor <c>W + scale · B A</c> [out, in] in the base dtype (the product is formed in float32).</summary>
    internal Tensor MergedWeight()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var delta = B.to(ScalarType.Float32).matmul(A.to(ScalarType.Float32)).Times(scale);   // [out, in]
        var merged = weight.to(ScalarType.Float32).Plus(delta).to(weight.dtype);
        return merged.MoveToOuterDisposeScope();
    }
}
