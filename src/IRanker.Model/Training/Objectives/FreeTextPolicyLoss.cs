using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>The free-text (Answer, Reasoning) policy loss: per-token PPO-clip, entropy bonus and KL penalty.</summary>
internal static class FreeTextPolicyLoss
{
    /// <summary>
    /// <c>loss = mean_r mean_t [PPO-clip(ρ_rt, A_rt) - c_H · H_rt + β · k3_rt]</c> over each response's tokens, then over
    /// the responses.
    /// </summary>
    /// <param name="logProbs">[R, T] log-probabilities of the generated tokens (with gradient).</param>
    /// <param name="oldLogProbs">[R, T] the same under the rollout policy.</param>
    /// <param name="advantages">[R, T] or [R, 1] advantages.</param>
    /// <param name="mask">[R, T] 1 on response tokens, 0 on padding.</param>
    /// <param name="entropy">[R, T] entropy of the next-token distribution at each position.</param>
    /// <param name="referenceLogProbs">[R, T] under the reference policy, or null without a KL penalty.</param>
    /// <param name="clipEpsilon">PPO's clip range.</param>
    /// <param name="entropyCoefficient">Weight of the entropy bonus.</param>
    /// <param name="klCoefficient">Weight of the KL penalty.</param>
    /// <returns>The loss [] and, as numbers, the mean k3, the fraction of clipped tokens and the mean entropy.</returns>
    public static (Tensor Loss, double Kl, double ClipFraction, double Entropy) Compute(Tensor logProbs, Tensor oldLogProbs, Tensor advantages,
        Tensor mask, Tensor entropy, Tensor? referenceLogProbs, double clipEpsilon, double entropyCoefficient, double klCoefficient)
    {
        var (surrogate, clipped) = ClippedPolicyLoss.Compute(logProbs, oldLogProbs, advantages, clipEpsilon); // [R, T]
        var perToken = surrogate - entropy.Times(entropyCoefficient);                           // [R, T]
        double kl = 0;
        if (referenceLogProbs is not null)
        {
            var k3 = KlPenalty.K3(logProbs, referenceLogProbs);                             // [R, T]
            perToken = perToken.Plus(k3.Times(klCoefficient));
            kl = MaskedMean.PerRow(k3, mask).mean().item<float>();
        }
        var loss = MaskedMean.PerRow(perToken, mask).mean();                               // []
        return (loss, kl, MaskedMean.All(clipped, mask).item<float>(), MaskedMean.All(entropy, mask).item<float>());
    }
}
