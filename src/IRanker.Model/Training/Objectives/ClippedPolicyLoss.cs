using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>PPO's clipped surrogate, as a loss to minimise, per token.</summary>
internal static class ClippedPolicyLoss
{
    /// <summary>
    /// <c>loss = -min(ρ A, clip(ρ, 1 - eps, 1 + eps) A)</c> with <c>ρ = exp(logp - logpOld)</c>, the importance ratio of
    /// the current policy against the policy that produced the rollout.
    /// </summary>
    /// <param name="logProbs">[B, T] log-probabilities of the taken tokens under the current policy (with gradient).</param>
    /// <param name="oldLogProbs">[B, T] the same under the rollout policy (no gradient).</param>
    /// <param name="advantages">[B, T] advantages (or [B, 1], broadcast over tokens).</param>
    /// <param name="epsilon">Clip range.</param>
    /// <returns>The per-token loss [B, T] and where the clipped term was the active one [B, T] (as 0/1 floats).</returns>
    public static (Tensor Loss, Tensor Clipped) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages, double epsilon)
    {
        var ratio = (logProbs - oldLogProbs.detach()).exp();                        // [B, T]
        var unclipped = ratio * advantages;                                         // [B, T]
        var clipped = ratio.ClampedTo(1.0 - epsilon, 1.0 + epsilon) * advantages;       // [B, T]
        var loss = -minimum(unclipped, clipped);                                    // [B, T]
        var active = clipped.lt(unclipped).to_type(ScalarType.Float32);             // [B, T]
        return (loss, active);
    }
}
