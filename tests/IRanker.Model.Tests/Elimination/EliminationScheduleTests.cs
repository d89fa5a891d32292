using IRanker.Model.Elimination;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Elimination;

public class EliminationScheduleTests
{
    public static TheoryData<string, PromptStyle> Schedules() => new()
    {
        { "OnePerStep", PromptStyle.Chat },
        { "OnePerStep", PromptStyle.Compact },
        { "Fraction(0.5, 2)", PromptStyle.Chat },
        { "Fraction(0.3, 0)", PromptStyle.Compact },
        { "OnePass", PromptStyle.Chat },
        { "OnePass", PromptStyle.Compact },
    };

    private static RankingQuery LongList(int n) => new("how do bees make honey",
        Enumerable.Range(1, n).Select(i => new RankingCandidate($"passage {i}", $"text {i} about {(i % 3 == 0 ? "bees" : "rocks")}")).ToArray(),
        RankingScenario.Passage, QueryId: $"long-{n}");

    [Theory]
    [MemberData(nameof(Schedules))]
    public void Every_schedule_ranks_each_list_completely_with_relevance_that_sums_to_one_and_follows_the_order(string schedule, PromptStyle style)
    {
        using var model = Random(seed: 11, style: style);
        var queries = MixedQueries().Append(ColourQuery("a paint shop", 0, 1, 2, 3, 4, 5, 6, 7, 8)).ToList();
        var ranker = new IterativeRanker(model, new RankerOptions { Schedule = EliminationSchedule.Parse(schedule) });

        foreach (var result in ranker.Rank(queries))
        {
            int n = result.Query.Candidates.Count;
            result.Order.Should().BeEquivalentTo(Enumerable.Range(0, n), "the order is a permutation of the candidates");
            result.Steps.Select(s => s.Eliminated).Reverse().Should().Equal(result.Order);
            var relevance = result.Relevance();
            relevance.Should().HaveCount(n).And.OnlyContain(r => r >= 0 && r <= 1);
            relevance.Sum().Should().BeApproximately(1f, 1e-4f);
            var scores = result.Scores();
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++)
                    if (scores[a] > scores[b]) relevance[a].Should().BeGreaterThanOrEqualTo(relevance[b], "a higher score never has a lower relevance");
        }
    }

    [Theory]
    [InlineData("OnePerStep", 19)]
    [InlineData("Fraction(0.5, 5)", 6)]   // 20 → 10 → 5 left, then one at a time: 4 more
    [InlineData("Fraction(0.5, 0)", 4)]   // 20 → 10 → 5 → 2 → 1 left
    [InlineData("OnePass", 1)]
    public void A_schedule_takes_the_forward_passes_it_promises(string schedule, int passes)
    {
        var query = LongList(20);
        using var model = IRankerModel.CreateFromScratch([query], Qwen2Config.Tiny, seed: 2);
        var ranker = new IterativeRanker(model, new RankerOptions { Schedule = EliminationSchedule.Parse(schedule) });

        var result = ranker.Rank([query]).Single();

        ranker.LastCounters.ForwardBatches.Should().Be(passes);
        result.Order.Should().BeEquivalentTo(Enumerable.Range(0, 20));
    }

    [Fact]
    public void One_pass_orders_the_list_by_the_first_steps_distribution()
    {
        var query = LongList(8);
        using var model = IRankerModel.CreateFromScratch([query], Qwen2Config.Tiny, seed: 4);
        var first = new IterativeRanker(model).Rank([query]).Single().Steps[0].LogProbs!;

        var onePass = new IterativeRanker(model, new RankerOptions { Schedule = EliminationSchedule.OnePass }).Rank([query]).Single();

        onePass.Order.Should().Equal(Enumerable.Range(0, 8).OrderBy(i => first[i]).ThenByDescending(i => i));
    }

    [Fact]
    public void Fraction_keeps_the_top_exact()
    {
        var schedule = EliminationSchedule.Fraction(0.5, exactTop: 5);
        new[] { 20, 10, 6, 5, 3, 2 }.Select(schedule.EliminationsAt).Should().Equal(10, 5, 3, 1, 1, 1);
        EliminationSchedule.Fraction(0.9).EliminationsAt(10).Should().Be(9, "at least one candidate survives a step");
        EliminationSchedule.OnePass.EliminationsAt(7).Should().Be(6);
        EliminationSchedule.OnePerStep.EliminationsAt(7).Should().Be(1);
    }

    [Fact]
    public void Bad_schedules_are_named_errors()
    {
        FluentActions.Invoking(() => EliminationSchedule.Fraction(0)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("fraction");
        FluentActions.Invoking(() => EliminationSchedule.Fraction(1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("fraction");
        FluentActions.Invoking(() => EliminationSchedule.Fraction(0.5, -1)).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("exactTop");
        FluentActions.Invoking(() => EliminationSchedule.Parse("Half")).Should().Throw<FormatException>().WithMessage("*OnePerStep*");
        foreach (var mode in new[] { DecodingMode.Answer, DecodingMode.Reasoning })
            FluentActions.Invoking(() => new RankerOptions { Mode = mode, Schedule = EliminationSchedule.OnePass }.Validate())
                .Should().Throw<ArgumentException>().WithMessage($"*OnePass*{mode}*");
    }

    [Theory]
    [InlineData("OnePerStep")]
    [InlineData("OnePass")]
    [InlineData("Fraction(0.25, 3)")]
    [InlineData("Fraction(0.5, 0)")]
    public void A_schedule_reads_back_what_it_writes(string text)
    {
        var schedule = EliminationSchedule.Parse(text);
        schedule.ToString().Should().Be(text);
        EliminationSchedule.Parse(schedule.ToString()).Should().Be(schedule);
    }

    [Fact]
    public void Without_a_distribution_the_survivor_takes_all_the_relevance()
    {
        using var model = Random(seed: 5);
        var result = new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Answer, MaxAnswerTokens = 4 })
            .Rank([ColourQuery("a paint shop", 0, 1, 2, 3)]).Single();
        var relevance = result.Relevance();
        relevance[result.Order[0]].Should().Be(1f);
        relevance.Sum().Should().Be(1f);
    }
}
