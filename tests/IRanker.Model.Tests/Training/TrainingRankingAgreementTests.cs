using IRanker.Model.Elimination;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Training;

namespace IRanker.Model.Tests.Training;

/// <summary>
/// Training and ranking take the same elimination step: the trainer's evaluation is <see cref="IterativeRanker"/>'s
/// loop, and the Choice distribution its losses are built from is the one ranking decides with.
/// </summary>
public class TrainingRankingAgreementTests
{
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
            var states = new List<(RankingQuery, IReadOnlyList<int>)>();
            var expected = new List<IReadOnlyList<float>>();
            foreach (var step in ranked[q].Steps.Where(s => s.Match == AnswerMatch.Choice))
            {
                states.Add((lists[q], pool.ToArray()));
                expected.Add(step.LogProbs!);
                pool.Remove(step.Eliminated);
            }
            var seen = trainer.ChoiceLogProbs(states);
            for (int s = 0; s < states.Count; s++)
            {
                seen[s].Should().HaveCount(expected[s].Count);
                for (int c = 0; c < expected[s].Count; c++)
                    seen[s][c].Should().BeApproximately(expected[s][c], 1e-4f, $"list {q}, step {s}, candidate {c}");
            }
        }
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
