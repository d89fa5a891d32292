using IRanker.Model.Elimination;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Elimination;

public class IterativeRankerConsistencyTests
{
    private static RankerOptions Options(DecodingMode mode, bool reuse = true, int budget = 16_384) => new()
    {
        Mode = mode,
        MaxAnswerTokens = 6,
        MaxReasoningTokens = 10,
        ReusePrefixCache = reuse,
        TokenBudget = budget,
    };

    private static IReadOnlyList<RankingQuery> Queries() =>
        [.. MixedQueries().Where(q => q.Candidates.Count is 1 or 3 or 5 or 6), ColourQuery("paint for a kitchen", 2, 4, 0, 3)];

    private static void ShouldMatch(IReadOnlyList<RankingResult> actual, IReadOnlyList<RankingResult> expected)
    {
        actual.Should().HaveCount(expected.Count);
        for (int q = 0; q < expected.Count; q++)
        {
            actual[q].Order.Should().Equal(expected[q].Order, $"query {q} must be ranked the same");
            actual[q].Steps.Select(s => (s.Eliminated, s.ModelOutput, s.Match))
                .Should().Equal(expected[q].Steps.Select(s => (s.Eliminated, s.ModelOutput, s.Match)));
            for (int s = 0; s < expected[q].Steps.Count; s++)
            {
                if (expected[q].Steps[s].Confidence is { } confidence)
                    actual[q].Steps[s].Confidence!.Value.Should().BeApproximately(confidence, 1e-4f);
            }
        }
    }

    [Theory]
    [InlineData(DecodingMode.Choice)]
    [InlineData(DecodingMode.Answer)]
    [InlineData(DecodingMode.Reasoning)]
    public void Ranking_lists_together_gives_what_ranking_them_one_at_a_time_gives(DecodingMode mode)
    {
        using var model = Random(seed: 5);
        var queries = Queries();
        var ranker = new IterativeRanker(model, Options(mode));

        var together = ranker.Rank(queries);
        var alone = queries.Select(q => ranker.Rank([q]).Single()).ToList();

        ShouldMatch(together, alone);
    }

    [Theory]
    [InlineData(DecodingMode.Choice)]
    [InlineData(DecodingMode.Answer)]
    public void Reusing_the_prompt_cache_gives_the_same_results_as_running_every_prompt_in_full(DecodingMode mode)
    {
        using var model = Random(seed: 6);
        var queries = Queries();

        var reusing = new IterativeRanker(model, Options(mode, reuse: true));
        var notReusing = new IterativeRanker(model, Options(mode, reuse: false));
        var reused = reusing.Rank(queries);
        var full = notReusing.Rank(queries);

        ShouldMatch(reused, full);
        reusing.LastCounters.PromptTokens.Should().Be(notReusing.LastCounters.PromptTokens);
        reusing.LastCounters.ReusedFraction.Should().BeGreaterThan(0.25, "after the first step the system turn, the context and the candidates before the eliminated one come from the cache");
        notReusing.LastCounters.ReusedTokens.Should().Be(0);
    }

    [Fact]
    public void A_small_token_budget_splits_the_step_into_more_batches_without_changing_the_results()
    {
        using var model = Random(seed: 7);
        var queries = Queries();

        var small = new IterativeRanker(model, Options(DecodingMode.Choice, budget: 200)).Rank(queries);
        var large = new IterativeRanker(model, Options(DecodingMode.Choice)).Rank(queries);

        ShouldMatch(small, large);
    }

    [Fact]
    public void Generating_modes_record_what_the_model_wrote_and_how_it_was_matched()
    {
        using var model = Random(seed: 8);
        var ranker = new IterativeRanker(model, Options(DecodingMode.Answer));

        var result = ranker.Rank([ColourQuery("paint for a kitchen", 2, 4, 0, 3)]).Single();

        result.Order.Should().BeEquivalentTo([0, 1, 2, 3]);
        result.Steps.SkipLast(1).Should().AllSatisfy(s =>
        {
            s.ModelOutput.Should().NotBeEmpty();
            s.Match.Should().NotBe(AnswerMatch.Choice).And.NotBe(AnswerMatch.LastRemaining);
            s.Confidence.Should().BeNull();
        });
        ranker.LastStatistics.Total.Should().Be(3);
    }

    [Fact]
    public void Sampling_with_the_same_seed_repeats_and_another_seed_answers_differently()
    {
        using var model = Random(seed: 10);
        var queries = Queries();
        RankerOptions Sampled(long seed) => new() { Mode = DecodingMode.Answer, MaxAnswerTokens = 6, Sample = true, Temperature = 1.5, Seed = seed };

        var first = new IterativeRanker(model, Sampled(1)).Rank(queries);
        var again = new IterativeRanker(model, Sampled(1)).Rank(queries);
        var other = new IterativeRanker(model, Sampled(2)).Rank(queries);

        ShouldMatch(again, first);
        other.SelectMany(r => r.Steps).Select(s => s.ModelOutput)
            .Should().NotEqual(first.SelectMany(r => r.Steps).Select(s => s.ModelOutput));
    }
}
