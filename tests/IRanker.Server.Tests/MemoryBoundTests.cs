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
