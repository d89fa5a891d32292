using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// Rotary position embedding in the Hugging Face Qwen2 convention ("rotate half": the first and second
/// halves of each head are the two coordinates of every rotated pair).
/// </summary>
/// <remarks>Angles are computed in float32 from explicit position ids, so left padding and KV caching only
/// need the right position ids.</remarks>
/// <example>
/// <code>
/// var rope = new RotaryEmbedding(headDim: 16, theta: 1e6);
/// var (cos, sin) = rope.CosSin(positionIds, ScalarType.Float32); // [batch, seq, 16] each
/// var q2 = RotaryEmbedding.Apply(q, cos, sin);                  // q: [batch, heads, seq, 16]
/// </code>
/// </example>
internal sealed class RotaryEmbedding
{
    private readonly float[] inverseFrequencies;

    /// <summary>Creates the rotary table for heads of width <paramref name="headDim"/> and base <paramref name="theta"/>.</summary>
    public RotaryEmbedding(int headDim, double theta)
    {
        inverseFrequencies = new float[headDim / 2];
        for (int i = 0; i < inverseFrequencies.Length; i++)
            inverseFrequencies[i] = (float)(1.0 / Math.Pow(theta, 2.0 * i / headDim));
    }

    /// <summary>Cosine and sine of the rotation angles for <paramref name="positionIds"/> [batch, seq], each [batch, seq, headDim], in <paramref name="dtype"/>.</summary>
    public (Tensor Cos, Tensor Sin) CosSin(Tensor positionIds, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var inv = tensor(inverseFrequencies, device: positionIds.device);     // [half]
        var angles = positionIds.to(ScalarType.Float32).unsqueeze(-1) * inv;  // [batch, seq, half]
        var emb = cat([angles, angles], -1);                                  // [batch, seq, headDim]
        var cos = emb.cos().to(dtype).MoveToOuterDisposeScope();
        var sin = emb.sin().to(dtype).MoveToOuterDisposeScope();
        return (cos, sin);
    }

    /// <summary>Rotates <paramref name="x"/> [batch, heads, seq, headDim] by angles given as cos/sin [batch, seq, headDim].</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();
        var c = cos.unsqueeze(1);                                             // [batch, 1, seq, headDim]
        var s = sin.unsqueeze(1);
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        var rotated = cat([-x2, x1], -1);                                     // rotate_half(x)
        return (x * c).Plus(rotated * s).MoveToOuterDisposeScope();
    }
}
