using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>The KL penalty to the frozen reference policy, per token.</summary>
internal static class KlPenalty
{
    /// <summary>
    /// The low-variance "k3" estimator of KL(π ‖ π_ref) on tokens sampled from π:
    /// <c>k3 = exp(d) - d - 1</c> with <c>d = logp_ref - logp</c>. It is never negative, zero only where the two
    /// policies agree, and its expectation is the true KL. The trainer ADDS <c>β · k3</c> to the loss, so gradient
    /// descent lowers it: the policy is pulled toward the reference (the reference code subtracted it).
    /// </summary>
    /// <param name="logProbs">[B, T] log-probabilities under the policy (with gradient).</param>
    /// <param name="referenceLogProbs">[B, T] log-probabilities under the reference (no gradient).</param>
    /// <returns>[B, T] k3 values.</returns>
    public static Tensor K3(Tensor logProbs, Tensor referenceLogProbs)
    {
        var d = referenceLogProbs.detach() - logProbs;   // [B, T]
        return (d.exp() - d).Minus(1.0);                         // [B, T]
    }
}
