using IRanker.Server.Hosting;

namespace IRanker.Server.Tests;

/// <summary>The memory bound's decisions (<see cref="MemoryBound"/>), with the resident memory and the trim played by the test.</summary>
public sealed class MemoryBoundTests
{
    private sealed class FakeProcess
    {
        public long Resident { get; set; }

        /// <summary>What a trim gives back.</summary>
        public long Trimmable { get; set; }

        public int Trims { get; private set; }

        public bool Trim()
        {
            Trims++;
            Resident -= Trimmable;
            bool any = Trimmable > 0;
            Trimmable = 0;
            return any;
        }

        public MemoryBound Bound(long? limit) => new(limit, () => Resident, Trim, TimeSpan.Zero);
    }

    [Fact]
    public void Without_a_bound_every_round_is_full_sized_every_request_is_admitted_and_nothing_is_trimmed()
    {
        var process = new FakeProcess { Resident = 50L << 30, Trimmable = 1 << 20 };
        var bound = process.Bound(null);

        bound.PlanRound(32, 16_384).Should().Be(new RoundPlan(32, 16_384, Trimmed: false, int.MaxValue));
        bound.Admits(busy: true).Should().BeTrue();
        process.Trims.Should().Be(0);
    }

    [Fact]
    public void Within_80_percent_a_round_is_full_sized_without_a_trim()
    {
        var process = new FakeProcess { Resident = 800 };
        var bound = process.Bound(1000);

        bound.PlanRound(32, 16_384).Should().Be(new RoundPlan(32, 16_384, Trimmed: false, int.MaxValue));
        bound.Level.Should().Be(MemoryLevel.Normal);
        bound.Admits(busy: true).Should().BeTrue();
        process.Trims.Should().Be(0);
    }

    [Fact]
    public void Above_80_percent_the_heap_is_trimmed_first_and_a_round_is_full_sized_when_the_trim_brought_it_back()
    {
        var process = new FakeProcess { Resident = 900, Trimmable = 200 };
        var bound = process.Bound(1000);

        bound.PlanRound(32, 16_384).Should().Be(new RoundPlan(32, 16_384, Trimmed: true, int.MaxValue));
        process.Trims.Should().Be(1);
        process.Resident.Should().Be(700);
        bound.Level.Should().Be(MemoryLevel.Normal);
        bound.Trims.Should().Be(1);
    }

    [Fact]
    public void Between_80_and_95_percent_after_the_trim_a_round_takes_half_the_requests_and_half_the_token_budget()
    {
        var process = new FakeProcess { Resident = 950, Trimmable = 50 };
        var bound = process.Bound(1000);

        bound.PlanRound(32, 16_384).Should().Be(new RoundPlan(16, 8_192, Trimmed: true, int.MaxValue));
        bound.Level.Should().Be(MemoryLevel.Near);
        bound.Admits(busy: true).Should().BeTrue("requests are refused only above 95%");
        bound.PlanRound(1, 1).Should().Be(new RoundPlan(1, 1, Trimmed: true, int.MaxValue), "a round takes at least one request and one token");
    }

    [Fact]
    public void Above_95_percent_after_the_trim_a_round_takes_one_request_and_new_requests_are_refused_only_while_busy()
    {
        var process = new FakeProcess { Resident = 990, Trimmable = 10 };
        var bound = process.Bound(1000);

        bound.PlanRound(32, 16_384).Should().Be(new RoundPlan(1, 4_096, Trimmed: true, int.MaxValue));
        bound.Level.Should().Be(MemoryLevel.Over);
        bound.Admits(busy: true).Should().BeFalse();
        bound.Admits(busy: false).Should().BeTrue("an idle server always ranks a request, even over its bound");

        process.Resident = 500;   // the rounds in flight finished and their memory was returned
        bound.Admits(busy: true).Should().BeTrue();
        bound.PlanRound(32, 16_384).Should().Be(new RoundPlan(32, 16_384, Trimmed: false, int.MaxValue));
        bound.Level.Should().Be(MemoryLevel.Normal);
    }

    [Fact]
    public void A_round_takes_no_more_candidates_than_the_memory_left_holds_at_the_rate_the_last_rounds_took()
    {
        var process = new FakeProcess { Resident = 300 };
        var bound = process.Bound(1000);

        bound.RoundFinished(candidates: 100, startBytes: 300, peakBytes: 800);   // 5 bytes per candidate
        bound.PlanRound(32, 16_384).Should().Be(new RoundPlan(32, 16_384, Trimmed: false, MaxCandidates: 100), "(800 - 300) / 5");

        bound.RoundFinished(candidates: 100, startBytes: 300, peakBytes: 400);   // a light round: 1 byte per candidate
        bound.PlanRound(32, 16_384).MaxCandidates.Should().Be(133, "the rate falls to three quarters of 5, not to 1, after one light round");

        process.Resident = 790;
        bound.PlanRound(32, 16_384).MaxCandidates.Should().Be(2, "(800 - 790) / 3.75");
        new FakeProcess { Resident = 300 }.Bound(null).PlanRound(32, 16_384).MaxCandidates.Should().Be(int.MaxValue, "no bound, no cap");
    }

    private const long MiB = 1 << 20;

    /// <summary>
    /// A bound of 1,000 MiB at 300 MiB resident (500 MiB left under 80%) that has measured one round of sixteen
    /// 30-document lists of 1,024 prompt tokens each: 256 MiB over its start with forward batches of 16,384 tokens,
    /// that is 16 KiB per prompt token, 256 MiB per 16,384 x 1,000 attention cells and 256 MiB per 480 candidates.
    /// </summary>
    private static (FakeProcess Process, MemoryBound Bound, RoundPlan Plan) AfterAShortRound(long? limit = 1000 * MiB)
    {
        var process = new FakeProcess { Resident = 300 * MiB };
        var bound = process.Bound(limit);
        bound.RoundFinished(new RoundShape(Candidates: 480, PromptTokens: 16_384, LongestPromptTokens: 1_000), 16_384, 300 * MiB, 556 * MiB);
        return (process, bound, bound.PlanRound(32, 16_384));
    }

    private static RoundShape Lists(int count, int candidates, int promptTokens)
    {
        var shape = default(RoundShape);
        for (int i = 0; i < count; i++) shape += new RoundShape(candidates, promptTokens, promptTokens);
        return shape;
    }

    [Fact]
    public void A_round_of_long_lists_ranks_with_a_smaller_token_budget_than_a_round_of_short_lists_at_the_same_headroom()
    {
        var (_, bound, plan) = AfterAShortRound();
        var shortRound = Lists(26, candidates: 30, promptTokens: 1_000);
        var longRound = Lists(8, candidates: 100, promptTokens: 3_000);
        plan.MaxCandidates.Should().Be(937, "500 MiB at 256 MiB per 480 candidates");
        (shortRound.Candidates, longRound.Candidates).Should().Be((780, 800), "the per-candidate rate admits both rounds alike");

        bound.Fits(shortRound, plan.TokenBudget).Should().BeTrue();
        bound.BudgetFor(shortRound, plan.TokenBudget).Should().Be(16_384, "26,000 prompt tokens take about 406 MiB, the attention of prompts of 1,000 tokens 256 MiB");
        bound.Fits(longRound, plan.TokenBudget).Should().BeTrue("24,000 prompt tokens take 375 MiB");
        bound.BudgetFor(longRound, plan.TokenBudget).Should().Be(10_666,
            "the attention part grows with the longest prompt: 256 MiB x (T x 3,000) / (16,384 x 1,000) fits 500 MiB up to T = 10,666");
    }

    [Fact]
    public void A_round_of_long_lists_takes_fewer_requests_when_a_smaller_token_budget_does_not_make_them_fit()
    {
        var (_, bound, plan) = AfterAShortRound();
        var shortRound = Lists(30, candidates: 30, promptTokens: 1_000);

        shortRound.Candidates.Should().Be(900);
        Lists(9, candidates: 100, promptTokens: 4_000).Candidates.Should().Be(900, "the per-candidate rate (937) would take both rounds");
        bound.Fits(shortRound, plan.TokenBudget).Should().BeTrue("30,000 prompt tokens take about 469 MiB");
        bound.Fits(Lists(8, candidates: 100, promptTokens: 4_000), plan.TokenBudget).Should().BeTrue("32,000 prompt tokens take 500 MiB, and at a budget of 4,000 the attention 250 MiB");
        bound.Fits(Lists(9, candidates: 100, promptTokens: 4_000), plan.TokenBudget).Should().BeFalse(
            "36,000 prompt tokens of key/value caches take about 562 MiB at any token budget: the ninth long list waits");
    }

    [Fact]
    public void The_token_budget_is_not_lowered_below_the_longest_prompt()
    {
        var (process, bound, _) = AfterAShortRound();
        process.Resident = 760 * MiB;   // 40 MiB left under 80%
        var plan = bound.PlanRound(32, 16_384);
        var longList = Lists(1, candidates: 100, promptTokens: 3_000);

        bound.Fits(longList, plan.TokenBudget).Should().BeFalse();
        bound.BudgetFor(longList, plan.TokenBudget).Should().Be(3_000, "a forward batch holds at least the longest prompt");
        bound.BudgetFor(longList, 2_048).Should().Be(2_048, "never above the plan's budget");
    }

    [Fact]
    public void The_rates_per_token_and_per_attention_cell_do_not_fall_after_a_round_that_reused_memory()
    {
        var (_, bound, plan) = AfterAShortRound();
        var longRound = Lists(8, candidates: 100, promptTokens: 3_000);

        bound.RoundFinished(Lists(1, candidates: 30, promptTokens: 1_000), 16_384, 400 * MiB, 400 * MiB);
        bound.Fits(longRound, plan.TokenBudget).Should().BeTrue();
        bound.BudgetFor(longRound, plan.TokenBudget).Should().Be(10_666, "as before the light round");
    }

    [Fact]
    public void Without_a_bound_the_lists_change_no_plan()
    {
        var (_, bound, plan) = AfterAShortRound(limit: null);
        var longRound = Lists(32, candidates: 100, promptTokens: 4_000);

        plan.Should().Be(new RoundPlan(32, 16_384, Trimmed: false, int.MaxValue));
        bound.Fits(longRound, plan.TokenBudget).Should().BeTrue();
        bound.BudgetFor(longRound, plan.TokenBudget).Should().Be(16_384);
    }

    [Fact]
    public void Before_any_round_was_measured_a_round_takes_one_request_with_the_full_budget()
    {
        var bound = new FakeProcess { Resident = 300 * MiB }.Bound(1000 * MiB);
        var plan = bound.PlanRound(32, 16_384);

        bound.Measured.Should().BeFalse();
        bound.Fits(Lists(2, candidates: 30, promptTokens: 1_000), plan.TokenBudget).Should().BeFalse("the worker's first request is taken whatever the bound says; a second waits until a round was measured");
        bound.BudgetFor(Lists(1, candidates: 100, promptTokens: 3_000), plan.TokenBudget).Should().Be(16_384);
    }

    [Fact]
    public void A_list_s_prompt_tokens_are_estimated_from_its_characters_and_its_longest_prompt_is_capped_by_the_model_s_positions()
    {
        var query = new IRanker.Model.RankingQuery("q", [new("a", new string('x', 2_998)), new("b", new string('y', 2_998))]);

        var shape = RoundShape.Of(query, maxPromptTokens: 32_768);
        shape.Should().Be(new RoundShape(2, 2_000 + 2 * RoundShape.TokensPerCandidate + RoundShape.TokensPerPrompt, 2_000 + 2 * RoundShape.TokensPerCandidate + RoundShape.TokensPerPrompt),
            "5,999 characters at 3 per token, rounded up, and the prompt's own tokens");
        RoundShape.Of(query, maxPromptTokens: 1_024).LongestPromptTokens.Should().Be(1_024, "a longer list is ranked in windows of the model's positions");
        (shape + RoundShape.Of(query, 1_024)).Should().Be(new RoundShape(4, 2 * shape.PromptTokens, shape.LongestPromptTokens));
    }

    [Fact]
    public void Admission_reuses_a_reading_within_the_measuring_interval()
    {
        long reads = 0;
        var bound = new MemoryBound(1000, () => { reads++; return 990; }, () => false, TimeSpan.FromHours(1));

        bound.Admits(busy: true).Should().BeFalse();
        bound.Admits(busy: true).Should().BeFalse();
        reads.Should().Be(1);
    }

    [Fact]
    public void A_bound_below_one_byte_is_refused()
    {
        var act = () => new MemoryBound(0, () => 0, () => false);
        act.Should().Throw<ArgumentOutOfRangeException>();
    }
}
