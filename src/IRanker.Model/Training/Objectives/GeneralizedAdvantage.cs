using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>Generalised advantage estimation (GAE) over the tokens of each response, for PPO.</summary>
internal static class GeneralizedAdvantage
{
    /// <summary>
    /// <c>δ_t = r_t + γ V_{t+1} - V_t</c>, <c>A_t = δ_t + γ λ A_{t+1}</c>, <c>return_t = A_t + V_t</c>, with
    /// <c>V</c> and <c>A</c> zero after the last response token. With γ = λ = 1 and the reward on the last token,
    /// <c>A_t = R - V_t</c>.
    /// </summary>
    /// <param name="rewards">[B, T] per-token rewards (the answer's reward on its last token, 0 elsewhere).</param>
    /// <param name="values">[B, T] value-head predictions (no gradient).</param>
    /// <param name="mask">[B, T] 1 on response tokens, 0 on padding; responses are left-aligned.</param>
    /// <param name="gamma">Discount.</param>
    /// <param name="lambda">GAE's bias-variance trade-off.</param>
    /// <returns>Advantages [B, T] and returns [B, T], zero on padding.</returns>
    public static (Tensor Advantages, Tensor Returns) Compute(Tensor rewards, Tensor values, Tensor mask, double gamma, double lambda)
    {
        long steps = rewards.shape[1];
        var v = values.detach() * mask;                                   // [B, T]
        var r = rewards * mask;                                           // [B, T]
        var next = zeros_like(r[.., 0]);                                  // [B]
        var nextValue = zeros_like(r[.., 0]);                             // [B]
        var columns = new Tensor[steps];
        for (long t = steps - 1; t >= 0; t--)
        {
            var m = mask[.., t];                                          // [B]
            var delta = r[.., t].Plus(nextValue.Times(gamma)) - v[.., t];          // [B]
            var a = delta.Plus(next.Times(gamma * lambda)) * m;                  // [B]
            columns[t] = a;
            next = a;
            nextValue = v[.., t];
        }
        var advantages = stack(columns, 1);                               // [B, T]
        return (advantages, advantages.Plus(v) * mask);
    }
}
