using IRanker.Model.Elimination;
using IRanker.Model.Elimination.LongLists;
using IRanker.Model.Prompts;
using IRanker.Model.Step;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Elimination.LongLists;

/// <summary>A list too long for one prompt is ranked as a tournament of windows, within the token budget.</summary>
public class LongListTests
{
    private static WindowPlanner Planner(IRankerModel model, int budget, DecodingMode mode = DecodingMode.Choice) =>
        new(new ModelStep(model.Model, new TemplatePromptSource(model)), new PromptLimit(model.Model.Config.MaxPositionEmbeddings, budget), mode, 0);

    /// <summary>A token budget under which one prompt holds at most <paramref name="fits"/> of the query's candidates.</summary>
    private static int BudgetFor(IRankerModel model, RankingQuery query, int fits) =>
        Planner(model, int.MaxValue).Pass(query, Enumerable.Range(0, fits).ToArray()).Tokens;

    private static RankingQuery Passages(int count, string context = "which passage is about the wall") =>
        new(context, Enumerable.Range(0, count).Select(i => new RankingCandidate($"passage {i + 1}", $"text number {i % 10}")).ToArray(),
            RankingScenario.Passage, QueryId: $"{count} passages");

    private static void ShouldBeAFullRanking(RankingResult result)
    {
        result.Order.Should().BeEquivalentTo(Enumerable.Range(0, result.Query.Candidates.Count));
        result.Steps.Select(s => s.Eliminated).Reverse().Should().Equal(result.Order);
        result.Steps.Select(s => s.Step).Should().Equal(Enumerable.Range(0, result.Steps.Count));
        var rank = new int[result.Order.Count];
        for (int r = 0; r < rank.Length; r++) rank[result.Order[r]] = r;
        foreach (var step in result.Steps.Where(s => s.Pool is not null))
            step.Pool!.Where(c => c != step.Eliminated).Should().OnlyContain(c => rank[c] < rank[step.Eliminated],
                "a candidate ranks below every other candidate of the prompt it was eliminated from");
    }

    private static void ShouldMeetTheRelevanceContract(RankingResult result)
    {
        var relevance = result.Relevance();
        relevance.Sum().Should().BeApproximately(1f, 1e-4f);
        relevance.Should().OnlyContain(r => r >= 0 && r <= 1);
        for (int r = 1; r < result.Order.Count; r++)
            relevance[result.Order[r]].Should().BeLessThanOrEqualTo(relevance[result.Order[r - 1]]);
    }

    [Fact]
    public void The_windows_fit_the_budget_and_the_tournament_orders_later_rounds_above_earlier_losers()
    {
        using var model = Random();
        var query = ColourQuery("paint for a kitchen", 0, 1, 2, 3, 4, 5, 6, 7, 8);
        int budget = BudgetFor(model, query, 4);
        var planner = Planner(model, budget);
        var tournament = new LongListTournament(query, 0);

        // Round 1: nine candidates do not fit; three windows of three fit, each keeps two (six would not fit one prompt).
        var round1 = tournament.NextRound(planner).Select(w => w.State).ToArray();
        round1.Select(w => w.Remaining).Should().BeEquivalentTo(new[] { new[] { 0, 1, 2 }, [3, 4, 5], [6, 7, 8] }, o => o.WithStrictOrdering());
        round1.Should().OnlyContain(w => w.Keep == 2);
        round1.Should().OnlyContain(w => planner.Limit.Admits(planner.Pass(query, w.Remaining)));
        round1[0].Eliminate(2, "", AnswerMatch.Choice, 0.5f, [0f, 0f, 0f], [0, 1, 2]);
        round1[1].Eliminate(3, "", AnswerMatch.Choice, 0.5f);
        round1[2].Eliminate(8, "", AnswerMatch.Choice, 0.5f);
        round1.Should().OnlyContain(w => !w.NeedsModel);
        tournament.Collect();

        // Round 2: the six survivors do not fit one prompt of four; two windows of three, each keeping two (four fit).
        var round2 = tournament.NextRound(planner).Select(w => w.State).ToArray();
        round2.Select(w => w.Remaining).Should().BeEquivalentTo(new[] { new[] { 0, 1, 4 }, [5, 6, 7] }, o => o.WithStrictOrdering());
        round2[0].Eliminate(0, "", AnswerMatch.Choice, 0.5f);
        round2[1].Eliminate(6, "", AnswerMatch.Choice, 0.5f);
        tournament.Collect();

        // The last round: the four survivors fit one prompt and are ranked to the end.
        var last = tournament.NextRound(planner).Should().ContainSingle().Subject.State;
        last.Remaining.Should().Equal(1, 4, 5, 7);
        last.Keep.Should().Be(1);
        foreach (int c in new[] { 7, 1, 5 }) last.Eliminate(c, "", AnswerMatch.Choice, 0.5f);
        last.Finish();
        tournament.Collect();
        tournament.Finished.Should().BeTrue();
        tournament.Rounds.Should().Be(3);

        var result = tournament.ToResult();
        // The last round's order, then round 2's losers, then round 1's: within a round by window, in input order.
        result.Order.Should().Equal(4, 5, 1, 7, 0, 6, 2, 3, 8);
        ShouldBeAFullRanking(result);
        result.Steps.Single(s => s.Eliminated == 2).Pool.Should().Equal(0, 1, 2);
    }

    [Theory]
    [InlineData("OnePerStep")]
    [InlineData("Fraction(0.5, 2)")]
    [InlineData("OnePass")]
    public void Every_schedule_ranks_a_windowed_list_to_a_full_permutation_with_relevance_that_meets_its_contract(string schedule)
    {
        using var model = Random();
        var query = ColourQuery("paint for a kitchen", 4, 0, 8, 2, 6, 1, 7, 3, 5);
        int budget = BudgetFor(model, query, 4);
        var ranker = new IterativeRanker(model, new RankerOptions { TokenBudget = budget, Schedule = EliminationSchedule.Parse(schedule) });

        var result = ranker.Rank([query, ColourQuery("a short list", 1, 2)]);

        ranker.LastWindowedLists.Should().Be(1);
        ranker.LastCounters.LargestBatchTokens.Should().BePositive().And.BeLessThanOrEqualTo(budget);
        ShouldBeAFullRanking(result[0]);
        ShouldMeetTheRelevanceContract(result[0]);
        result[0].Steps.Where(s => s.LogProbs is not null).Should().OnlyContain(s => s.Pool != null && s.Pool.Count == s.LogProbs!.Count);
        result[1].Order.Should().HaveCount(2);
        result[1].Steps.Should().OnlyContain(s => s.Pool == null, "a list that fits one prompt is ranked as before");
    }

    [Fact]
    public void A_model_with_a_fixed_preference_keeps_the_best_candidate_through_every_window()
    {
        // Logit i for Colours[i]: the model always names the highest colour index present as the worst.
        using var model = WithFixedPreferences(Colours.Select((c, i) => (c, (float)i)).ToDictionary(p => p.c, p => p.Item2));
        var query = ColourQuery("paint for a kitchen", 5, 3, 8, 1, 7, 0, 6, 2, 4);
        var ranker = new IterativeRanker(model, new RankerOptions { TokenBudget = BudgetFor(model, query, 4) });

        var result = ranker.Rank([query]).Single();

        ranker.LastWindowedLists.Should().Be(1);
        query.Candidates[result.Order[0]].Id.Should().Be("red", "the best candidate wins every window it is in");
        ShouldBeAFullRanking(result);
        var full = new IterativeRanker(model).Rank([query]).Single();
        full.Order.Select(i => query.Candidates[i].Id).Should().Equal(Colours, "in one prompt the same model gives the exact order");
    }

    [Fact]
    public void A_thousand_candidates_rank_within_the_token_budget()
    {
        using var model = Random();
        var query = Passages(1000);
        var options = new RankerOptions { TokenBudget = 4096, Schedule = EliminationSchedule.Fraction(0.5, exactTop: 10) };
        var ranker = new IterativeRanker(model, options);

        var result = ranker.Rank([query]).Single();

        ranker.LastWindowedLists.Should().Be(1);
        ranker.LastCounters.LargestBatchTokens.Should().BeLessThanOrEqualTo(4096);
        ShouldBeAFullRanking(result);
        ShouldMeetTheRelevanceContract(result);
        result.Steps.Where(s => s.Pool is not null).Max(s => s.Pool!.Count).Should().BeLessThan(1000);
    }

    [Fact]
    public void Answer_mode_ranks_a_windowed_list_too()
    {
        using var model = Random();
        var query = ColourQuery("paint for a kitchen", 0, 1, 2, 3, 4, 5, 6);
        int budget = Planner(model, int.MaxValue, DecodingMode.Answer).Pass(query, [0, 1, 2, 3]).Tokens + 4;
        var ranker = new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Answer, MaxAnswerTokens = 4, TokenBudget = budget });

        var result = ranker.Rank([query]).Single();

        ranker.LastWindowedLists.Should().Be(1);
        ShouldBeAFullRanking(result);
        ShouldMeetTheRelevanceContract(result);
    }

    [Fact]
    public void Candidates_too_long_to_compare_even_two_at_a_time_are_a_named_error()
    {
        using var model = Random();
        string text = string.Join(' ', Enumerable.Repeat("a red paint for the wall", 40));
        var query = new RankingQuery("paint", Colours.Take(4).Select(c => new RankingCandidate(c, text)).ToArray(), QueryId: "kitchen");
        int budget = (BudgetFor(model, query, 1) + BudgetFor(model, query, 2)) / 2;   // one fits, two do not

        var rank = () => new IterativeRanker(model, new RankerOptions { TokenBudget = budget }).Rank([query]);

        var error = rank.Should().Throw<PromptTooLongException>().Which;
        error.QueryId.Should().Be("kitchen");
        error.CandidateIndex.Should().BeNull();
        error.TokenBudget.Should().Be(budget);
        error.Message.Should().StartWith("Query 0 (QueryId 'kitchen'): the list of 4 candidates is too long for one prompt, and its candidates are too long to compare even two at a time");
    }

    /// <summary>A judge that knows each candidate's true place (<paramref name="place"/>, 0 = best) and names the worst with certainty.</summary>
    private static IEliminationJudge Perfect(int[] place) => new PerfectJudge(place);

    private sealed class PerfectJudge(int[] place) : IEliminationJudge
    {
        public float[] Score(RankingQuery query, IReadOnlyList<int> pool) => pool.Select(c => 20f * place[c]).ToArray();
    }

    [Theory]
    [InlineData("OnePerStep")]
    [InlineData("Fraction(0.5, 5)")]
    [InlineData("OnePass")]
    public void A_judge_that_knows_the_order_ranks_it_exactly_in_one_prompt_and_keeps_the_best_first_in_windows(string schedule)
    {
        using var model = Random();
        var query = Passages(100);
        var place = Enumerable.Range(0, 100).ToArray();
        new Random(7).Shuffle(place);
        var options = new RankerOptions { TokenBudget = 1 << 20, Schedule = EliminationSchedule.Parse(schedule) };

        var whole = IterativeRanker.WithJudge(model, Perfect(place), options).Rank([query]).Single();
        options.TokenBudget = BudgetFor(model, query, 12);
        var windowed = IterativeRanker.WithJudge(model, Perfect(place), options);
        var result = windowed.Rank([query]).Single();

        whole.Order.Select(c => place[c]).Should().Equal(Enumerable.Range(0, 100), "one prompt and a judge without noise give the true order");
        windowed.LastWindowedLists.Should().Be(1);
        ShouldBeAFullRanking(result);
        ShouldMeetTheRelevanceContract(result);
        place[result.Order[0]].Should().Be(0, "the best candidate wins every window it is in");
        result.Steps.Where(s => s.Pool is not null).Should().OnlyContain(s => place[s.Eliminated] == s.Pool!.Max(c => place[c]),
            "each window's step eliminates the worst candidate of the prompt it shows");
    }

    [Fact]
    public void A_judge_takes_Choice_steps_over_one_order_only()
    {
        using var model = Random();

        var answer = () => IterativeRanker.WithJudge(model, Perfect([0, 1]), new RankerOptions { Mode = DecodingMode.Answer });
        var orders = () => IterativeRanker.WithJudge(model, Perfect([0, 1]), new RankerOptions { OrderSamples = 2 });

        answer.Should().Throw<ArgumentException>().WithMessage("*Choice steps*Answer mode*");
        orders.Should().Throw<ArgumentException>().WithMessage("*Choice steps*OrderSamples = 2*");
    }
}
