using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>PPO's advantages and value loss from the value head's predictions.</summary>
internal static class ValueTargets
{
    /// <summary>
    /// Choice mode: an elimination is a one-step episode, so GAE reduces to <c>A_g = R_g - V(s)</c>; the value loss is
    /// <c>½ mean_g (V(s) - R_g)²</c>.
    /// </summary>
    /// <param name="value">[] the value head's prediction for the state (with gradient).</param>
    /// <param name="rewards">[G] the rewards of the choices sampled there.</param>
    /// <returns>Advantages [G] (no gradient) and the value loss [].</returns>
    public static (Tensor Advantages, Tensor ValueLoss) OneStep(Tensor value, Tensor rewards) =>
        (rewards - value.detach(), (value - rewards).square().mean().Times(0.5));

    /// <summary>
    /// Free text: the answer's reward on its last token, GAE over the tokens (<see cref="GeneralizedAdvantage"/>), and
    /// the value loss <c>½ mean_r mean_t (V_rt - return_rt)²</c>.
    /// </summary>
    /// <param name="values">[R, T] the value head's predictions at each response position (with gradient), 0 on padding.</param>
    /// <param name="mask">[R, T] 1 on response tokens; every row has at least one.</param>
    /// <param name="rewards">[R] each response's reward.</param>
    /// <param name="gamma">Discount.</param>
    /// <param name="lambda">GAE's bias-variance trade-off.</param>
    /// <returns>Advantages [R, T] (no gradient) and the value loss [].</returns>
    public static (Tensor Advantages, Tensor ValueLoss) PerToken(Tensor values, Tensor mask, Tensor rewards, double gamma, double lambda)
    {
        var last = mask.sum(1).to_type(ScalarType.Int64).Minus(1L).clamp_min(NativeScalars.Zero);              // [R]
        var tokenRewards = zeros_like(mask).scatter(1, last.unsqueeze(1), rewards.unsqueeze(1)); // [R, T]
        var (advantages, returns) = GeneralizedAdvantage.Compute(tokenRewards, values, mask, gamma, lambda);
        var loss = MaskedMean.PerRow((values - returns).square(), mask).mean().Times(0.5);       // []
        return (advantages, loss);
    }
}
