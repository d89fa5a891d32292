using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Step;
using IRanker.Model.Training;
using IRanker.Model.Training.Rewards;
using IRanker.Model.Training.Rollouts;
using IRanker.Model.Training.Sampling;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Training;

/// <summary>
/// A whole elimination in one packed forward pass gives every step what the per-step passes give: the policy's
/// log-probabilities, the warm start's loss, GRPO's and PPO's losses, and their gradients. Both sides run the trainer's
/// own loss code (<see cref="PolicyLosses"/>) on the same states; only the rows differ.
/// </summary>
public class PackedEliminationTests
{
    /// <summary>Relative tolerance for per-step numbers in float32.</summary>
    private const float Tolerance = 1e-5f;

    /// <summary>
    /// Gradients sum over steps in a different order (one pass against several), so they agree to float32 round-off of
    /// the sum: within 1e-4 of the largest gradient entry.
    /// </summary>
    private const float GradientTolerance = 1e-4f;

    private sealed record Setup(IRankerModel Model, ModelStep Step, TrainingOptions Options, TrainablePolicy Policy, PolicyLosses Losses) : IDisposable
    {
        public void Dispose() => Model.Dispose();
    }

    private static Setup Create(RankingScenario scenario, int loraRank, RlAlgorithm algorithm, double lmWeight = 0, int seed = 5)
    {
        var lists = TrainingRankingAgreementTests.Lists(scenario);
        var model = IRankerModel.CreateFromScratch(lists, Qwen2Config.Tiny, seed: seed, style: PromptStyle.Compact, layout: PromptLayout.AppendOnly);
        var options = new TrainingOptions
        {
            Mode = DecodingMode.Choice, LoraRank = loraRank, Algorithm = algorithm, GroupSize = 3, KlCoefficient = 0.05,
            EntropyCoefficient = 0.01, LanguageModelLossWeight = lmWeight, PackEliminations = true,
        };
        options.Validate();
        var step = new ModelStep(model.Model, new TemplatePromptSource(model));
        var policy = new TrainablePolicy(model.Model, options);
        policy.EnsureReference();
        model.Model.train();
        return new Setup(model, step, options, policy, new PolicyLosses(step, policy, options));
    }

    /// <summary>Each list of the scenario eliminated to the end on the teacher's path, its candidates in a seeded random order.</summary>
    private static List<EliminationState[]> Eliminations(RankingScenario scenario)
    {
        var random = new TrainingRandom(11);
        return TrainingRankingAgreementTests.Lists(scenario)
            .Select(q => SubListSampler.DrawElimination(q with { Candidates = q.Candidates }, random))
            .Where(steps => steps.Length >= 2)
            .ToList();
    }

    /// <summary>The same steps, each in a row of its own: the step's prompt (a prefix of the packed one) and its candidates.</summary>
    private static StepPlace[] Separate(StepPlace[] packed) => packed
        .Select(p => new StepPlace(StepRow.Create(p.Row.Prompt[..p.Row.Point(p.Point).PromptLength], null, p.Row.Point(p.Point).Branches), 0))
        .ToArray();

    private static (EliminationState[] States, StepPlace[] Packed, StepPlace[] Separate) Steps(Setup setup, RankingScenario scenario, int packTokens = 100_000)
    {
        var states = new List<EliminationState>();
        var packed = new List<StepPlace>();
        foreach (var elimination in Eliminations(scenario))
        {
            states.AddRange(elimination);
            packed.AddRange(PackedElimination.Places(setup.Step, elimination, packTokens, setup.Options.MaxPromptTokens));
        }
        return ([.. states], [.. packed], Separate([.. packed]));
    }

    private static bool Close(float a, float b, float tolerance = Tolerance) => Math.Abs(a - b) <= tolerance * Math.Max(1f, Math.Abs(b));

    /// <summary>The loss's gradients on every trainable parameter, flattened, then cleared.</summary>
    private static float[] Gradients(Setup setup, Tensor loss)
    {
        foreach (var p in setup.Policy.Optimizer.parameters()) p.grad?.zero_();
        loss.backward();
        var grads = setup.Policy.Optimizer.parameters().Where(p => p.grad is not null).Select(p => p.grad!.detach().reshape(-1).clone()).ToArray();
        foreach (var p in setup.Policy.Optimizer.parameters()) p.grad?.zero_();
        return cat(grads).data<float>().ToArray();
    }

    private static void GradientsAgree(float[] packed, float[] separate)
    {
        packed.Should().HaveCount(separate.Length);
        float scale = Math.Max(separate.Max(Math.Abs), 1e-6f);
        var worst = packed.Zip(separate, (a, b) => Math.Abs(a - b)).Max();
        worst.Should().BeLessThanOrEqualTo(GradientTolerance * scale, $"the largest gradient entry is {scale}");
        separate.Count(g => g != 0).Should().BeGreaterThan(0, "the loss must reach the trainable parameters");
    }

    [Theory]
    [InlineData(RankingScenario.Recommendation, 0)]
    [InlineData(RankingScenario.Routing, 4)]
    [InlineData(RankingScenario.Passage, 0)]
    [InlineData(RankingScenario.Passage, 4)]
    public void Every_steps_log_probabilities_and_the_warm_start_loss_and_gradients_match_the_per_step_passes(RankingScenario scenario, int loraRank)
    {
        using var setup = Create(scenario, loraRank, RlAlgorithm.Grpo);
        using var scope = NewDisposeScope();
        var (states, packed, separate) = Steps(setup, scenario);
        packed.Select(p => p.Row).Distinct(ReferenceEqualityComparer.Instance).Count().Should().BeLessThan(states.Length, "steps share rows");

        var a = setup.Losses.LogProbs(packed).PerPlace;
        var b = setup.Losses.LogProbs(separate).PerPlace;
        for (int k = 0; k < states.Length; k++)
        {
            var x = a[k].detach().data<float>().ToArray();
            var y = b[k].detach().data<float>().ToArray();
            x.Should().HaveCount(states[k].Remaining.Count);
            x.Should().Equal(y, (u, v) => Close(u, v), $"step {k}");
        }

        var packedLoss = setup.Losses.ChoiceWarmStart(states.Zip(packed).ToArray());
        var separateLoss = setup.Losses.ChoiceWarmStart(states.Zip(separate).ToArray());
        Close(packedLoss.Loss.item<float>(), separateLoss.Loss.item<float>()).Should().BeTrue($"{packedLoss.Loss.item<float>()} against {separateLoss.Loss.item<float>()}");
        packedLoss.Accuracy.Should().Be(separateLoss.Accuracy);
        GradientsAgree(Gradients(setup, packedLoss.Loss), Gradients(setup, separateLoss.Loss));
    }

    [Theory]
    [InlineData(RankingScenario.Recommendation, 0, RlAlgorithm.Grpo)]
    [InlineData(RankingScenario.Routing, 4, RlAlgorithm.Grpo)]
    [InlineData(RankingScenario.Passage, 0, RlAlgorithm.Ppo)]
    [InlineData(RankingScenario.Routing, 4, RlAlgorithm.Ppo)]
    public void The_policy_losses_and_their_gradients_match_the_per_step_passes(RankingScenario scenario, int loraRank, RlAlgorithm algorithm)
    {
        using var setup = Create(scenario, loraRank, algorithm);
        using var scope = NewDisposeScope();
        var (states, packed, separate) = Steps(setup, scenario);
        var rewards = new EliminationRewards(EliminationRewards.Standard(DecodingMode.Choice));

        List<RolloutGroup> Groups(StepPlace[] places) => states.Select((s, k) =>
        {
            // The same answers on both sides: the group's choices cycle through the pool from a step-dependent start.
            var answers = Enumerable.Range(0, setup.Options.GroupSize).Select(g =>
            {
                int chosen = s.Remaining[(k + g) % s.Remaining.Count];
                return new RolloutAnswer
                {
                    Chosen = chosen, Eliminated = chosen,
                    Reward = rewards.Score(new RewardInput(s.Query, s.Remaining, "", chosen, DecodingMode.Choice)),
                    Advantage = g - 1.0,
                };
            }).ToList();
            return new RolloutGroup(s, places[k].Row, answers, places[k].Point);
        }).ToList();

        var packedGroups = Groups(packed);
        var separateGroups = Groups(separate);
        var packedLoss = setup.Losses.Choice(packedGroups, firstUpdate: true);
        var separateLoss = setup.Losses.Choice(separateGroups, firstUpdate: true);

        for (int k = 0; k < states.Length; k++)
            for (int g = 0; g < setup.Options.GroupSize; g++)
                Close(packedGroups[k].Answers[g].OldLogProbs!.item<float>(), separateGroups[k].Answers[g].OldLogProbs!.item<float>()).Should().BeTrue($"step {k}, answer {g}");
        Close(packedLoss.Loss.item<float>(), separateLoss.Loss.item<float>()).Should().BeTrue($"{packedLoss.Loss.item<float>()} against {separateLoss.Loss.item<float>()}");
        packedLoss.Kl.Should().BeApproximately(separateLoss.Kl, 1e-5 * Math.Max(1, Math.Abs(separateLoss.Kl)));
        packedLoss.Entropy.Should().BeApproximately(separateLoss.Entropy, 1e-5 * Math.Max(1, separateLoss.Entropy));
        packedLoss.ValueLoss.Should().BeApproximately(separateLoss.ValueLoss, 1e-5 * Math.Max(1, separateLoss.ValueLoss));
        if (algorithm == RlAlgorithm.Ppo) separateLoss.ValueLoss.Should().BeGreaterThan(0, "PPO's values come from every step's own position");
        GradientsAgree(Gradients(setup, packedLoss.Loss), Gradients(setup, separateLoss.Loss));
    }

    [Fact]
    public void The_next_token_loss_counts_each_prompt_token_once_even_when_a_long_elimination_is_cut_into_pieces()
    {
        using var setup = Create(RankingScenario.Passage, 0, RlAlgorithm.Grpo, lmWeight: 1);
        using var scope = NewDisposeScope();
        var elimination = Eliminations(RankingScenario.Passage).OrderByDescending(e => e.Length).First();
        var whole = PackedElimination.Places(setup.Step, elimination, 100_000, setup.Options.MaxPromptTokens);
        int lastPrompt = whole[^1].Row.Prompt.Length;
        var cut = PackedElimination.Places(setup.Step, elimination, lastPrompt / 2 + 40, setup.Options.MaxPromptTokens);
        var pieces = cut.Select(p => p.Row).Distinct(ReferenceEqualityComparer.Instance).Cast<StepRow>().ToArray();
        pieces.Length.Should().BeGreaterThan(1, "the budget cuts the elimination");
        pieces.Sum(r => r.Prompt.Length - Math.Max(1, r.PromptLossFrom)).Should().Be(lastPrompt - 1, "the pieces' loss tokens cover the prompt once");

        // The last step alone, the whole elimination packed, and the pieces: the same next-token loss.
        var last = setup.Step.Forward([new StepPlace(StepRow.Create(whole[^1].Row.Prompt, null, []), 0)], new StepForwardOptions(PromptLoss: true), out _).PromptLoss!.item<float>();
        var packed = setup.Step.Forward(whole, new StepForwardOptions(PromptLoss: true), out _).PromptLoss!.item<float>();
        var pieced = setup.Step.Forward(cut, new StepForwardOptions(PromptLoss: true), out _).PromptLoss!.item<float>();
        Close(packed, last).Should().BeTrue($"{packed} against {last}");
        Close(pieced, last).Should().BeTrue($"{pieced} against {last}");

        // And the per-step scores do not depend on where the elimination was cut.
        var a = setup.Losses.LogProbs(whole).PerPlace;
        var b = setup.Losses.LogProbs(cut).PerPlace;
        for (int k = 0; k < elimination.Length; k++)
            a[k].detach().data<float>().ToArray().Should().Equal(b[k].detach().data<float>().ToArray(), (u, v) => Close(u, v), $"step {k}");
    }

    [Fact]
    public void A_packed_elimination_is_the_teachers_path_one_candidate_per_step_in_the_order_shown()
    {
        var query = TrainingRankingAgreementTests.Lists(RankingScenario.Passage)[0];
        var steps = SubListSampler.DrawElimination(query, new TrainingRandom(3));
        int size = steps[0].Remaining.Count;
        steps.Should().HaveCount(size - 1);
        steps[0].History.Should().BeEmpty();
        for (int k = 1; k < steps.Length; k++)
        {
            int gone = steps[k].History[^1];
            steps[k - 1].Worst().Should().Contain(gone, "each step removes a worst remaining candidate");
            steps[k].Remaining.Should().Equal(steps[k - 1].Remaining.Where(c => c != gone), "the rest keep the order shown");
        }
        steps[^1].Remaining.Should().HaveCount(2);
        steps[^1].Remaining.Select(c => steps[0].Query.Candidates[c].Label).Should().Contain(query.Candidates.Max(c => c.Label), "a best candidate stays to the end");
    }
}
