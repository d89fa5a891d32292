using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>How per-token losses become one number: the mean over each response's tokens, then over responses.</summary>
internal static class MaskedMean
{
    /// <param name="values">[B, T] per-token values.</param>
    /// <param name="mask">[B, T] 1 on real tokens, 0 on padding.</param>
    /// <returns>[B] mean per row (0 for a row without tokens).</returns>
    public static Tensor PerRow(Tensor values, Tensor mask) =>
        (values * mask).sum(1) / mask.sum(1).clamp_min(NativeScalars.One);            // [B]

    /// <summary>Mean of all real tokens together.</summary>
    public static Tensor All(Tensor values, Tensor mask) =>
        (values * mask).sum() / mask.sum().clamp_min(NativeScalars.One);              // []
}
