using IRanker.Model.Runtime;
using IRanker.Model.Training.Objectives;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Training;

public class PolicyObjectiveTests
{
    public PolicyObjectiveTests() => TorchRuntime.EnsureInitialized();

    private static float[] Values(Tensor t) => t.to_type(ScalarType.Float32).data<float>().ToArray();

    [Fact]
    public void Group_advantages_are_rewards_standardised_within_each_group()
    {
        using var scope = NewDisposeScope();
        // group 1: mean 2, population std sqrt(2/3); group 2: all equal -> no signal.
        var rewards = tensor(new float[,] { { 1, 2, 3 }, { 0.5f, 0.5f, 0.5f } });
        var a = GroupAdvantages.Compute(rewards, 1e-4);
        float s = MathF.Sqrt(2f / 3f) + 1e-4f;
        Values(a).Should().BeEquivalentTo(new[] { -1 / s, 0f, 1 / s, 0f, 0f, 0f }, o => o.WithStrictOrdering().Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-5f)).WhenTypeIs<float>());
    }

    [Fact]
    public void Group_advantages_of_two_answers_are_plus_and_minus_one()
    {
        using var scope = NewDisposeScope();
        var a = GroupAdvantages.Compute(tensor(new float[,] { { 1, 0 } }), 1e-8);
        Values(a)[0].Should().BeApproximately(1f, 1e-5f);
        Values(a)[1].Should().BeApproximately(-1f, 1e-5f);
    }

    [Fact]
    public void The_clipped_objective_matches_hand_computed_values()
    {
        using var scope = NewDisposeScope();
        // ratios 1.5, 0.5, 1.1, 0.7 against advantages +1, +1, -2, -2, eps 0.2:
        //  r=1.5, A=+1: min(1.5, 1.2) = 1.2  -> loss -1.2, clipped
        //  r=0.5, A=+1: min(0.5, 0.8) = 0.5  -> loss -0.5, not clipped (pessimistic bound is the unclipped one)
        //  r=1.1, A=-2: min(-2.2, -2.2)      -> loss  2.2, inside the range
        //  r=0.7, A=-2: min(-1.4, -1.6) = -1.6 -> loss 1.6, clipped
        var ratios = new[] { 1.5, 0.5, 1.1, 0.7 };
        var old = tensor(new float[] { -1f, -2f, -0.5f, -3f }).reshape(1, 4);
        var logp = old + tensor(ratios.Select(r => (float)Math.Log(r)).ToArray()).reshape(1, 4);
        var adv = tensor(new float[] { 1, 1, -2, -2 }).reshape(1, 4);
        var (loss, clipped) = ClippedPolicyLoss.Compute(logp, old, adv, 0.2);
        var l = Values(loss);
        l[0].Should().BeApproximately(-1.2f, 1e-5f);
        l[1].Should().BeApproximately(-0.5f, 1e-5f);
        l[2].Should().BeApproximately(2.2f, 1e-5f);
        l[3].Should().BeApproximately(1.6f, 1e-5f);
        Values(clipped).Should().Equal(1f, 0f, 0f, 1f);
    }

    [Fact]
    public void A_clipped_token_passes_no_gradient()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new float[] { (float)Math.Log(1.5), (float)Math.Log(1.1) }).reshape(1, 2).requires_grad_();
        var old = zeros(1, 2);
        var adv = ones(1, 2);
        var (loss, _) = ClippedPolicyLoss.Compute(logp, old, adv, 0.2);
        loss.sum().backward();
        var g = Values(logp.grad!);
        g[0].Should().Be(0f);                          // ratio 1.5 > 1.2 with A > 0: clipped, no push further
        g[1].Should().BeApproximately(-1.1f, 1e-5f);   // d(-r A)/dlogp = -r A
    }

    [Fact]
    public void K3_is_zero_at_the_reference_and_positive_elsewhere()
    {
        using var scope = NewDisposeScope();
        var logp = tensor(new float[] { -1f, -1f, -2f }).reshape(1, 3);
        var reference = tensor(new float[] { -1f, -2f, -1f }).reshape(1, 3);
        var k3 = Values(KlPenalty.K3(logp, reference));
        k3[0].Should().Be(0f);
        // d = ref - logp = -1: e^-1 + 1 - 1 ; d = +1: e - 1 - 1
        k3[1].Should().BeApproximately((float)Math.Exp(-1), 1e-6f);
        k3[2].Should().BeApproximately((float)(Math.E - 2), 1e-6f);
    }

    [Fact]
    public void A_step_on_the_kl_term_alone_moves_the_policy_toward_the_reference()
    {
        var (before, after) = KlAfterSteps(sign: +1);
        after.Should().BeLessThan(before * 0.5, $"KL before {before:F4}, after {after:F4}");
    }

    [Fact]
    public void Subtracting_the_kl_term_as_the_reference_code_did_pushes_the_policy_away()
    {
        var (before, after) = KlAfterSteps(sign: -1);
        after.Should().BeGreaterThan(before, $"KL before {before:F4}, after {after:F4}");
    }

    /// <summary>Gradient descent on sign * beta * mean(k3) for a categorical policy given by trainable logits.</summary>
    private static (double Before, double After) KlAfterSteps(int sign)
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var logits = randn(6).mul(2).requires_grad_();
        var referenceLogp = randn(6).log_softmax(0);
        double before = TrueKl(logits, referenceLogp);
        for (int step = 0; step < 40; step++)
        {
            // k3 on actions sampled from the policy, averaged: an unbiased estimate of KL(pi || ref).
            var logp = logits.log_softmax(0);
            var actions = multinomial(logp.exp().detach(), 256, replacement: true);      // [256]
            var penalty = KlPenalty.K3(logp[actions].reshape(1, -1), referenceLogp[actions].reshape(1, -1)).mean();
            (sign * 0.1 * penalty).backward();
            using (no_grad())
            {
                logits.sub_(logits.grad! * 2.0);   // plain gradient descent
                logits.grad!.zero_();
            }
        }
        return (before, TrueKl(logits, referenceLogp));
    }

    private static double TrueKl(Tensor logits, Tensor referenceLogp)
    {
        using var _ = no_grad();
        var logp = logits.log_softmax(0);
        return (logp.exp() * (logp - referenceLogp)).sum().item<float>();
    }

    [Fact]
    public void Entropy_of_uniform_logits_is_log_n_and_masked_entries_are_ignored()
    {
        using var scope = NewDisposeScope();
        var h = Values(TokenEntropy.Compute(tensor(new float[,] { { 0, 0, 0, 0 }, { 0, 0, float.NegativeInfinity, float.NegativeInfinity } })));
        h[0].Should().BeApproximately((float)Math.Log(4), 1e-6f);
        h[1].Should().BeApproximately((float)Math.Log(2), 1e-6f);
    }

    [Fact]
    public void Gae_with_gamma_and_lambda_one_is_reward_minus_value()
    {
        using var scope = NewDisposeScope();
        // Two responses of 3 and 2 tokens; reward on the last token.
        var rewards = tensor(new float[,] { { 0, 0, 1 }, { 0, -0.5f, 0 } });
        var values = tensor(new float[,] { { 0.2f, 0.4f, 0.6f }, { 0.1f, 0.3f, 9f } });
        var mask = tensor(new float[,] { { 1, 1, 1 }, { 1, 1, 0 } });
        var (adv, ret) = GeneralizedAdvantage.Compute(rewards, values, mask, 1.0, 1.0);
        Values(adv).Should().BeEquivalentTo(new[] { 0.8f, 0.6f, 0.4f, -0.6f, -0.8f, 0f },
            o => o.WithStrictOrdering().Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
        Values(ret).Should().BeEquivalentTo(new[] { 1f, 1f, 1f, -0.5f, -0.5f, 0f },
            o => o.WithStrictOrdering().Using<float>(c => c.Subject.Should().BeApproximately(c.Expectation, 1e-6f)).WhenTypeIs<float>());
    }

    [Fact]
    public void Gae_discounts_with_gamma_and_lambda()
    {
        using var scope = NewDisposeScope();
        // gamma 0.5, lambda 0.5, V = 0: A_1 = r = 1; A_0 = 0 + 0.5*0 - 0 + 0.25*1 = 0.25
        var (adv, _) = GeneralizedAdvantage.Compute(tensor(new float[,] { { 0, 1 } }), zeros(1, 2), ones(1, 2), 0.5, 0.5);
        Values(adv)[0].Should().BeApproximately(0.25f, 1e-6f);
        Values(adv)[1].Should().BeApproximately(1f, 1e-6f);
    }

    [Fact]
    public void Masked_means_average_each_row_over_its_real_tokens()
    {
        using var scope = NewDisposeScope();
        var values = tensor(new float[,] { { 1, 2, 3 }, { 4, 100, 100 } });
        var mask = tensor(new float[,] { { 1, 1, 1 }, { 1, 0, 0 } });
        Values(MaskedMean.PerRow(values, mask)).Should().Equal(2f, 4f);
        MaskedMean.All(values, mask).item<float>().Should().Be(2.5f);
    }
}
