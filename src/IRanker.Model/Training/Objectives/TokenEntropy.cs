using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>The entropy of a categorical distribution given by logits.</summary>
internal static class TokenEntropy
{
    /// <summary><c>H = -Σ p log p</c> over the last dimension.</summary>
    /// <param name="logits">[..., V] unnormalised log-probabilities (masked entries may be -inf).</param>
    /// <returns>[...] entropies in nats.</returns>
    public static Tensor Compute(Tensor logits)
    {
        var logp = logits.log_softmax(-1);                       // [..., V]
        var p = logp.exp();                                      // [..., V]
        // -inf logits give p = 0 and logp = -inf; 0 * -inf would be NaN, so those terms are zeroed.
        var terms = where(p.gt(NativeScalars.Zero), p * logp, zeros_like(p));     // [..., V]
        return -terms.sum(-1);                                   // [...]
    }
}
