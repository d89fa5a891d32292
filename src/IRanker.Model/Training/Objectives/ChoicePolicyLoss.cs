using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>The Choice mode's policy loss for one elimination state and the group of choices sampled there.</summary>
internal static class ChoicePolicyLoss
{
    /// <summary>
    /// <c>loss = mean_g PPO-clip(ρ_g, A_g) - c_H · H(π) + β · mean_g k3(π, π_ref)</c>: the clipped surrogate of each
    /// sampled choice, an entropy bonus over the whole choice distribution, and the KL penalty on the sampled choices.
    /// </summary>
    /// <param name="policy">[m] log-probabilities of eliminating each candidate of the pool (with gradient).</param>
    /// <param name="picks">[G] int64 indices into the pool of the sampled choices.</param>
    /// <param name="oldLogProbs">[G] their log-probabilities under the rollout policy.</param>
    /// <param name="advantages">[G] their advantages.</param>
    /// <param name="referenceLogProbs">[m] log-probabilities under the reference policy, or null without a KL penalty.</param>
    /// <param name="clipEpsilon">PPO's clip range.</param>
    /// <param name="entropyCoefficient">Weight of the entropy bonus.</param>
    /// <param name="klCoefficient">Weight of the KL penalty.</param>
    /// <returns>The loss [] and, as numbers, the mean k3, the fraction of clipped choices and the entropy.</returns>
    public static (Tensor Loss, double Kl, double ClipFraction, double Entropy) Compute(Tensor policy, Tensor picks, Tensor oldLogProbs,
        Tensor advantages, Tensor? referenceLogProbs, double clipEpsilon, double entropyCoefficient, double klCoefficient)
    {
        var logp = policy.index_select(0, picks).unsqueeze(0);                             // [1, G]
        var (surrogate, clipped) = ClippedPolicyLoss.Compute(logp, oldLogProbs.unsqueeze(0), advantages.unsqueeze(0), clipEpsilon); // [1, G]
        var entropy = TokenEntropy.Compute(policy);                                         // []
        var loss = surrogate.mean() - entropy.Times(entropyCoefficient);                         // []
        double kl = 0;
        if (referenceLogProbs is not null)
        {
            var k3 = KlPenalty.K3(logp, referenceLogProbs.index_select(0, picks).unsqueeze(0)).mean(); // []
            loss = loss.Plus(k3.Times(klCoefficient));
            kl = k3.item<float>();
        }
        return (loss, kl, clipped.mean().item<float>(), entropy.item<float>());
    }
}
