using IRanker.Model.Elimination;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Step;
using IRanker.Model.Training;
using IRanker.Model.Training.Sampling;
using static TorchSharp.torch;

namespace IRanker.Model.Tests.Training;

/// <summary>
/// Training and ranking take the same elimination step: the trainer's evaluation is <see cref="IterativeRanker"/>'s
/// loop, and the policy its losses are built from (<see cref="PolicyLosses.LogProbs"/>, the method the losses call) is
/// the one ranking decides and samples with, in every decoding mode and at any temperature.
/// </summary>
public class TrainingRankingAgreementTests
{
    /// <summary>The policy's log-probabilities for <paramref name="states"/> as the trainer's losses compute them (gradients on), on the host.</summary>
    internal static float[][] PolicyLogProbs(EliminationTrainer trainer, IReadOnlyList<EliminationState> states)
    {
        using var scope = NewDisposeScope();
        var places = states.Select(s => new StepPlace(trainer.Samples.Row(s), 0)).ToArray();
        return trainer.Losses.LogProbs(places).PerPlace.Select(t => t.detach().cpu().data<float>().ToArray()).ToArray();
    }

    /// <summary>The free-text policy's per-token log-probabilities of <paramref name="answers"/> after the states' prompts, as the trainer's losses compute them.</summary>
    private static float[][] PolicyLogProbs(EliminationTrainer trainer, IReadOnlyList<EliminationState> states, IReadOnlyList<int[]> answers, double? temperature = null)
    {
        using var scope = NewDisposeScope();
        var places = states.Select((s, i) => new StepPlace(trainer.Samples.Row(s).WithAnswer(answers[i]), 0)).ToArray();
        return trainer.Losses.LogProbs(places, temperature: temperature).PerPlace
            .Select((t, i) => t.detach().cpu().data<float>().Take(answers[i].Length).ToArray()).ToArray();
    }

    /// <summary>The log-softmax of <paramref name="logProbs"/> divided by <paramref name="temperature"/>, in double precision.</summary>
    private static double[] AtTemperature(IReadOnlyList<float> logProbs, double temperature)
    {
        var scaled = logProbs.Select(lp => lp / temperature).ToArray();
        double max = scaled.Max();
        double logSum = max + Math.Log(scaled.Sum(x => Math.Exp(x - max)));
        return scaled.Select(x => x - logSum).ToArray();
    }

    private static RankingCandidate[] Candidates(params (string Id, string Text, float Label)[] items) =>
        items.Select(c => new RankingCandidate(c.Id, c.Text, c.Label)).ToArray();

    /// <summary>Labelled lists of one scenario: IDs of one token, of several tokens, and IDs that are the start of others.</summary>
    internal static IReadOnlyList<RankingQuery> Lists(RankingScenario scenario) => scenario switch
    {
        RankingScenario.Recommendation =>
        [
            new("The user watched: Alien (1979); Heat (1995)", Candidates(("Blade Runner (1982)", "", 2), ("Toy Story (1995)", "", 0), ("Ronin (1998)", "", 1), ("Babe (1995)", "", 0)), scenario, "Movie", "r1"),
            new("The user watched: Babe (1995)", Candidates(("Toy Story (1995)", "", 2), ("Heat (1995)", "", 0), ("Alien (1979)", "", 0)), scenario, "Movie", "r2"),
        ],
        RankingScenario.Routing =>
        [
            new("Compute 17 * 23 exactly.", Candidates(("gpt-4o", "gpt-4o", 2), ("gpt-4o-mini", "gpt-4o-mini", 1), ("llama-3-8b", "llama-3-8b", 0)), scenario, "Performance", "t1"),
            new("Write a haiku about rain.", Candidates(("gpt-4o-mini", "gpt-4o-mini", 2), ("mixtral-8x7b", "mixtral-8x7b", 1), ("gpt-4o", "gpt-4o", 0), ("llama-3-8b", "llama-3-8b", 1)), scenario, "Cost", "t2"),
        ],
        _ =>
        [
            new("how do bees make honey", Candidates(Enumerable.Range(1, 11).Select(i => ($"passage {i}", i == 3 ? "bees turn nectar into honey" : $"unrelated text {i}", i == 3 ? 2f : 0f)).ToArray()), scenario, QueryId: "p1"),
            new("tallest mountain", Candidates(("passage 1", "the sea is deep", 0), ("passage 2", "everest is the tallest mountain", 2), ("passage 3", "k2 is tall", 1)), scenario, QueryId: "p2"),
        ],
    };

    [Theory]
    [InlineData(RankingScenario.Recommendation, PromptStyle.Chat)]
    [InlineData(RankingScenario.Recommendation, PromptStyle.Compact)]
    [InlineData(RankingScenario.Routing, PromptStyle.Chat)]
    [InlineData(RankingScenario.Routing, PromptStyle.Compact)]
    [InlineData(RankingScenario.Passage, PromptStyle.Chat)]
    [InlineData(RankingScenario.Passage, PromptStyle.Compact)]
    [InlineData(RankingScenario.Generic, PromptStyle.Chat)]
    [InlineData(RankingScenario.Generic, PromptStyle.Compact)]
    public void The_trainers_evaluation_and_its_losses_see_what_ranking_sees(RankingScenario scenario, PromptStyle style)
    {
        var lists = Lists(scenario);
        using var model = IRankerModel.CreateFromScratch(lists, Qwen2Config.Tiny, seed: 7, style: style);
        var trainer = new EliminationTrainer(model, new TrainingOptions { Mode = DecodingMode.Choice, Temperature = 1.0 });

        var ranked = new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Choice }).Rank(lists);
        var evaluated = trainer.Rank(lists);

        for (int q = 0; q < lists.Count; q++)
        {
            evaluated[q].Order.Should().Equal(ranked[q].Order, $"list {q} must be ranked the same");
            evaluated[q].Steps.Select(s => s.Eliminated).Should().Equal(ranked[q].Steps.Select(s => s.Eliminated));

            // Every pool the ranking went through, as the trainer's loss scores it.
            var pool = Enumerable.Range(0, lists[q].Candidates.Count).ToList();
            var states = new List<EliminationState>();
            var expected = new List<IReadOnlyList<float>>();
            foreach (var step in ranked[q].Steps.Where(s => s.Match == AnswerMatch.Choice))
            {
                states.Add(new EliminationState(lists[q], pool.ToArray()));
                expected.Add(step.LogProbs!);
                pool.Remove(step.Eliminated);
            }
            var seen = PolicyLogProbs(trainer, states);
            for (int s = 0; s < states.Count; s++)
            {
                seen[s].Should().HaveCount(expected[s].Count);
                for (int c = 0; c < expected[s].Count; c++)
                    seen[s][c].Should().BeApproximately(expected[s][c], 1e-4f, $"list {q}, step {s}, candidate {c}");
            }
        }
    }

    /// <summary>
    /// Choice mode at a temperature: the distribution the trainer's losses see is ranking's choice distribution at that
    /// temperature, the softmax of ranking's scores divided by it (what a sampled elimination draws from).
    /// </summary>
    [Theory]
    [InlineData(0.7, PromptStyle.Compact)]
    [InlineData(1.3, PromptStyle.Chat)]
    public void In_choice_mode_the_losses_policy_is_rankings_choice_distribution_at_the_temperature(double temperature, PromptStyle style)
    {
        var lists = Lists(RankingScenario.Routing).Concat(Lists(RankingScenario.Passage)).ToList();
        using var model = IRankerModel.CreateFromScratch(lists, Qwen2Config.Tiny, seed: 7, style: style);
        var trainer = new EliminationTrainer(model, new TrainingOptions { Mode = DecodingMode.Choice, Temperature = temperature });
        var ranked = new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Choice }).Rank(lists);

        var states = new List<EliminationState>();
        var expected = new List<double[]>();
        double moved = 0;
        for (int q = 0; q < lists.Count; q++)
        {
            var pool = Enumerable.Range(0, lists[q].Candidates.Count).ToList();
            foreach (var step in ranked[q].Steps.Where(s => s.Match == AnswerMatch.Choice))
            {
                states.Add(new EliminationState(lists[q], pool.ToArray()));
                expected.Add(AtTemperature(step.LogProbs!, temperature));
                moved = Math.Max(moved, expected[^1].Zip(step.LogProbs!, (a, b) => Math.Abs(a - b)).Max());
                pool.Remove(step.Eliminated);
            }
        }
        moved.Should().BeGreaterThan(1e-2, "the temperature must change the distribution, or the test could not tell it was ignored");

        var seen = PolicyLogProbs(trainer, states);
        for (int s = 0; s < states.Count; s++)
        {
            seen[s].Should().HaveCount(expected[s].Length);
            for (int c = 0; c < expected[s].Length; c++)
                seen[s][c].Should().BeApproximately((float)expected[s][c], 1e-4f, $"step {s}, candidate {c}");
        }
    }

    /// <summary>
    /// Answer and Reasoning modes at a temperature: the log-probability the sampler reports for each token it wrote (under
    /// <c>log_softmax(logits / temperature)</c>) is the one the trainer's losses give that token of the same answer.
    /// </summary>
    [Theory]
    [InlineData(DecodingMode.Answer, 0.7, PromptStyle.Compact)]
    [InlineData(DecodingMode.Answer, 1.3, PromptStyle.Chat)]
    [InlineData(DecodingMode.Reasoning, 0.7, PromptStyle.Chat)]
    [InlineData(DecodingMode.Reasoning, 1.3, PromptStyle.Compact)]
    public void In_the_free_text_modes_the_losses_token_log_probabilities_are_the_samplers(DecodingMode mode, double temperature, PromptStyle style)
    {
        var lists = Lists(RankingScenario.Recommendation).Concat(Lists(RankingScenario.Passage)).ToList();
        using var model = IRankerModel.CreateFromScratch(lists, Qwen2Config.Tiny, seed: 7, style: style);
        var trainer = new EliminationTrainer(model, new TrainingOptions { Mode = mode, Temperature = temperature });
        var source = new TemplatePromptSource(model);
        var states = lists.Select(q => new EliminationState(q, Enumerable.Range(0, q.Candidates.Count).ToArray())).ToArray();
        var prompts = states.Select(s => (IReadOnlyList<int>)trainer.Samples.Row(s).Prompt).ToArray();

        var generated = new TokenGenerator(model.Model).Generate(prompts, new GenerationOptions
        {
            MaxNewTokens = 12, DoSample = true, Temperature = temperature, Seed = 5, StopTokenIds = source.StopTokenIds, PadTokenId = source.PadTokenId,
        });
        var answers = generated.Select(g => g.TokenIds).ToArray();
        answers.Should().OnlyContain(a => a.Length > 0);

        var seen = PolicyLogProbs(trainer, states, answers);
        var atOne = PolicyLogProbs(trainer, states, answers, temperature: 1.0);
        double moved = 0;
        for (int i = 0; i < states.Length; i++)
        {
            seen[i].Should().HaveCount(answers[i].Length);
            for (int t = 0; t < answers[i].Length; t++)
            {
                seen[i][t].Should().BeApproximately(generated[i].LogProbs[t], 1e-4f, $"list {i}, token {t}");
                moved = Math.Max(moved, Math.Abs(atOne[i][t] - generated[i].LogProbs[t]));
            }
        }
        moved.Should().BeGreaterThan(1e-2, "at temperature 1 the same tokens score otherwise, so the test would catch an ignored temperature");
    }

    [Fact]
    public void The_trainers_evaluation_counts_what_the_ranking_did()
    {
        var lists = Lists(RankingScenario.Passage);
        using var model = IRankerModel.CreateFromScratch(lists, Qwen2Config.Tiny, seed: 3, style: PromptStyle.Compact);
        var trainer = new EliminationTrainer(model, new TrainingOptions());
        var ranked = new IterativeRanker(model).Rank(lists);

        var metrics = trainer.Evaluate(lists);

        double mrr = ranked.Average(r => 1.0 / (r.Order.ToList().FindIndex(i => r.Query.Candidates[i].Label == 2f) + 1));
        metrics.Mrr.Should().BeApproximately(mrr, 1e-12);
        metrics.Queries.Should().Be(2);
        metrics.UnparsedAnswers.Should().Be(0, "Choice mode always names a candidate");
    }

    [Fact]
    public void The_trainers_mrr_is_the_evaluations_definition_also_for_a_list_without_a_relevant_candidate()
    {
        var lists = Lists(RankingScenario.Passage).Append(new RankingQuery("nothing fits",
            [new RankingCandidate("passage 1", "the sea is deep", 0), new RankingCandidate("passage 2", "k2 is tall", 0)], RankingScenario.Passage, QueryId: "p3")).ToList();
        using var model = IRankerModel.CreateFromScratch(lists, Qwen2Config.Tiny, seed: 3, style: PromptStyle.Compact);
        var trainer = new EliminationTrainer(model, new TrainingOptions());

        var metrics = trainer.Evaluate(lists);

        var ranked = trainer.Rank(lists);
        double expected = ranked.Average(r => ListMetrics.ReciprocalRank(r.Order, r.Query.Candidates.Select(c => c.Label!.Value).ToArray()));
        metrics.Mrr.Should().BeApproximately(expected, 1e-12);
        ListMetrics.ReciprocalRank(ranked[^1].Order, [0f, 0f]).Should().Be(0, "no candidate of the last list is relevant");
    }
}
