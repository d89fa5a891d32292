using IRanker.Model.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// Root-mean-square layer norm as in Qwen2: the statistics are computed in float32 and the result is cast
/// back to the input dtype before the learned scale is applied.
/// </summary>
/// <example>
/// <code>
/// var norm = new RmsNorm("norm", hiddenSize: 64, eps: 1e-6);
/// var y = norm.forward(x); // x, y: [batch, seq, 64]
/// </code>
/// </example>
internal sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    private readonly double eps;

    // Named as in Hugging Face state dicts: "<prefix>.weight".
    private readonly Parameter weight;

    /// <summary>Creates a norm over the last dimension of width <paramref name="hiddenSize"/>, scale initialised to 1.</summary>
    public RmsNorm(string name, long hiddenSize, double eps) : this(name, hiddenSize, eps, ParameterInit.Random)
    {
    }

    internal RmsNorm(string name, long hiddenSize, double eps, ParameterInit init) : base(name)
    {
        this.eps = eps;
        weight = init.Ones(hiddenSize);
        RegisterComponents();
    }

    /// <summary>The learned scale, [hidden].</summary>
    public Parameter Weight => weight;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var dtype = x.dtype;
        var x32 = x.to(ScalarType.Float32);                                  // [..., hidden]
        // The Scalars of this call outlive it: epsScalar until the method returns, the alpha a static (Runtime/NativeScalars).
        using var epsScalar = eps.ToScalar();
        var normed = x32 * rsqrt(x32.square().mean([-1L], keepdim: true).add_(epsScalar, NativeScalars.One));
        return (weight * normed.to(dtype)).MoveToOuterDisposeScope();
    }
}
