using IRanker.Model.Runtime;
using IRanker.Model.Training.Objectives;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Training;

/// <summary>The trainer's losses as pure functions, against numbers worked out by hand.</summary>
public class TrainingLossTests
{
    public TrainingLossTests() => TorchRuntime.EnsureInitialized();

    private static Tensor LogOf(params float[] p) => tensor(p).log();

    [Fact]
    public void The_choice_policy_loss_is_the_surrogate_minus_the_entropy_bonus_plus_the_kl_penalty()
    {
        using var scope = NewDisposeScope();
        // π = (0.5, 0.25, 0.25); choices 0 and 1 sampled by the same policy (ρ = 1) with advantages +1 and -1:
        // surrogate mean = -(1 - 1) / 2 = 0. H(π) = 0.5 ln 2 + 0.5 ln 4 = 1.5 ln 2. Reference uniform:
        // k3(0) = 2/3 - ln(2/3) - 1, k3(1) = 4/3 - ln(4/3) - 1.
        var policy = LogOf(0.5f, 0.25f, 0.25f);
        var picks = tensor(new long[] { 0, 1 });
        var old = policy.index_select(0, picks);
        var advantages = tensor(new float[] { 1, -1 });
        var reference = LogOf(1 / 3f, 1 / 3f, 1 / 3f);

        var (loss, kl, clip, entropy) = ChoicePolicyLoss.Compute(policy, picks, old, advantages, reference, 0.2, entropyCoefficient: 0.1, klCoefficient: 0.5);

        double h = 1.5 * Math.Log(2);
        double k3 = ((2.0 / 3 - Math.Log(2.0 / 3) - 1) + (4.0 / 3 - Math.Log(4.0 / 3) - 1)) / 2;
        entropy.Should().BeApproximately(h, 1e-5);
        kl.Should().BeApproximately(k3, 1e-5);
        clip.Should().Be(0);
        loss.item<float>().Should().BeApproximately((float)(-0.1 * h + 0.5 * k3), 1e-5f);
    }

    [Fact]
    public void The_choice_policy_loss_clips_a_ratio_beyond_the_range()
    {
        using var scope = NewDisposeScope();
        // The rollout policy gave the choice 0.25, the current one 0.5: ρ = 2, clipped to 1.2 for A = +1.
        var (loss, _, clip, _) = ChoicePolicyLoss.Compute(LogOf(0.5f, 0.5f), tensor(new long[] { 0 }), LogOf(0.25f),
            tensor(new float[] { 1 }), null, 0.2, entropyCoefficient: 0, klCoefficient: 0);
        loss.item<float>().Should().BeApproximately(-1.2f, 1e-5f);
        clip.Should().Be(1);
    }

    [Fact]
    public void The_free_text_policy_loss_averages_over_each_responses_tokens_then_over_responses()
    {
        using var scope = NewDisposeScope();
        // ρ = 1. Response 0 (2 tokens, A = +1, entropy 0.5 each): per token -1 - 0.1 * 0.5 = -1.05.
        // Response 1 (1 token, A = -1, entropy 1): 1 - 0.1 = 0.9. Mean of the responses: -0.075.
        var logp = tensor(new float[,] { { -1, -2, 0 }, { -3, 0, 0 } });
        var mask = tensor(new float[,] { { 1, 1, 0 }, { 1, 0, 0 } });
        var entropy = tensor(new float[,] { { 0.5f, 0.5f, 0 }, { 1, 0, 0 } });
        var advantages = tensor(new float[,] { { 1 }, { -1 } });

        var (loss, kl, clip, meanEntropy) = FreeTextPolicyLoss.Compute(logp, logp, advantages, mask, entropy, null, 0.2, 0.1, 0.5);

        loss.item<float>().Should().BeApproximately(-0.075f, 1e-5f);
        kl.Should().Be(0);
        clip.Should().Be(0);
        meanEntropy.Should().BeApproximately(2.0 / 3, 1e-5);
    }

    [Fact]
    public void A_one_step_episode_has_advantage_reward_minus_value()
    {
        using var scope = NewDisposeScope();
        var (advantages, valueLoss) = ValueTargets.OneStep(tensor(0.5f), tensor(new float[] { 1, 0 }));
        advantages.data<float>().ToArray().Should().Equal(0.5f, -0.5f);
        valueLoss.item<float>().Should().BeApproximately(0.125f, 1e-6f);   // ½ · mean(0.25, 0.25)
    }

    [Fact]
    public void Per_token_values_give_advantage_reward_minus_value_with_gamma_and_lambda_one()
    {
        using var scope = NewDisposeScope();
        // Row 0: V = (0.2, 0.4), R = 1 on the last token: A = (0.8, 0.6), returns (1, 1).
        // Row 1: V = 0.5, R = -1: A = -1.5, return -1. Value loss ½ · mean((0.64 + 0.36) / 2, 2.25) = 0.6875.
        var values = tensor(new float[,] { { 0.2f, 0.4f, 0 }, { 0.5f, 0, 0 } });
        var mask = tensor(new float[,] { { 1, 1, 0 }, { 1, 0, 0 } });
        var (advantages, valueLoss) = ValueTargets.PerToken(values, mask, tensor(new float[] { 1, -1 }), 1.0, 1.0);
        var a = advantages.data<float>().ToArray();
        a[0].Should().BeApproximately(0.8f, 1e-6f);
        a[1].Should().BeApproximately(0.6f, 1e-6f);
        a[3].Should().BeApproximately(-1.5f, 1e-6f);
        valueLoss.item<float>().Should().BeApproximately(0.6875f, 1e-6f);
    }

    [Fact]
    public void The_choice_warm_start_loss_is_minus_the_log_of_the_mass_on_the_correct_eliminations()
    {
        using var scope = NewDisposeScope();
        var loss = WarmStartLoss.Choice(LogOf(0.5f, 0.3f, 0.2f), tensor(new[] { false, true, true }));
        loss.item<float>().Should().BeApproximately((float)-Math.Log(0.5), 1e-6f);
    }

    [Fact]
    public void The_teacher_forced_loss_is_the_mean_of_each_answers_mean_token_loss()
    {
        using var scope = NewDisposeScope();
        var loss = WarmStartLoss.TeacherForced(tensor(new float[,] { { -1, -2, 0 }, { -3, 0, 0 } }), tensor(new float[,] { { 1, 1, 0 }, { 1, 0, 0 } }));
        loss.item<float>().Should().BeApproximately(2.25f, 1e-6f);   // mean(1.5, 3)
    }
}
