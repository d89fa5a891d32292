using IRanker.Model.Elimination;
using IRanker.Model.Prompts;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Elimination;

/// <summary><see cref="RankerOptions.OrderSamples"/>: each step shown in several orders of its pool, deciding by the averaged distribution.</summary>
public class OrderSamplesTests
{
    /// <summary>Every order of 0..n−1.</summary>
    private static IEnumerable<int[]> Permutations(int n) => n == 0
        ? [[]]
        : Permutations(n - 1).SelectMany(p => Enumerable.Range(0, n).Select(at => p.Take(at).Append(n - 1).Concat(p.Skip(at)).ToArray()));

    private static RankingQuery Reordered(RankingQuery query, int[] order) =>
        query with { Candidates = order.Select(i => query.Candidates[i]).ToArray() };

    /// <summary>The ranking as candidate IDs, best first, and each ID's relevance.</summary>
    private static (string[] Order, Dictionary<string, float> Relevance) ById(RankingResult result)
    {
        var relevance = result.Relevance();
        return (result.Order.Select(i => result.Query.Candidates[i].Id).ToArray(),
            result.Query.Candidates.Select((c, i) => (c.Id, relevance[i])).ToDictionary(p => p.Id, p => p.Item2));
    }

    [Theory]
    [InlineData(3, PromptStyle.Chat, true)]
    [InlineData(3, PromptStyle.Compact, false)]
    [InlineData(4, PromptStyle.Chat, false)]
    [InlineData(4, PromptStyle.Compact, true)]
    public void With_every_order_a_small_lists_ranking_does_not_depend_on_the_order_of_its_rows(int n, PromptStyle style, bool reuse)
    {
        using var model = Random(seed: 21, style: style);
        var query = ColourQuery("a paint shop", Enumerable.Range(0, n).ToArray());
        int every = Enumerable.Range(1, n).Aggregate(1, (f, i) => f * i);
        var averaged = new IterativeRanker(model, new RankerOptions { OrderSamples = every, ReusePrefixCache = reuse });
        var single = new IterativeRanker(model, new RankerOptions { ReusePrefixCache = reuse });
        var orders = Permutations(n).ToList();

        var expected = ById(averaged.Rank([query]).Single());
        var baseline = ById(single.Rank([query]).Single());
        double largestSingleChange = 0;
        foreach (var order in orders)
        {
            var (ids, relevance) = ById(averaged.Rank([Reordered(query, order)]).Single());
            ids.Should().Equal(expected.Order, $"the rows in order {string.Join(",", order)} hold the same candidates");
            foreach (var (id, value) in expected.Relevance) relevance[id].Should().BeApproximately(value, 1e-4f, $"candidate {id}'s relevance");

            var alone = ById(single.Rank([Reordered(query, order)]).Single());
            largestSingleChange = Math.Max(largestSingleChange, baseline.Relevance.Max(p => Math.Abs(p.Value - alone.Relevance[p.Key])));
        }
        largestSingleChange.Should().BeGreaterThan(1e-3, "with one order the model's answer does move with the order (else this test could not fail)");
    }

    [Fact]
    public void The_step_averages_the_probabilities_of_every_order_mapped_back_to_the_candidates()
    {
        using var model = Random(seed: 22);
        var query = ColourQuery("a paint shop", 4, 1, 7);
        var single = new IterativeRanker(model);
        var mean = new double[3];
        foreach (var order in Permutations(3))
        {
            var logProbs = single.Rank([Reordered(query, order)]).Single().Steps[0].LogProbs!;
            for (int place = 0; place < 3; place++) mean[order[place]] += Math.Exp(logProbs[place]) / 6;
        }

        var first = new IterativeRanker(model, new RankerOptions { OrderSamples = 6 }).Rank([query]).Single().Steps[0];

        first.LogProbs!.Select(lp => Math.Exp(lp)).Should().Equal(mean, (a, b) => Math.Abs(a - b) < 1e-4);
        first.Eliminated.Should().Be(Array.IndexOf(mean, mean.Max()), "the most likely candidate under the average is eliminated");
        first.Confidence!.Value.Should().BeApproximately((float)mean.Max(), 1e-4f);
    }

    [Fact]
    public void One_order_is_the_ordinary_step()
    {
        using var model = Random(seed: 23);
        var queries = MixedQueries();
        var plain = new IterativeRanker(model).Rank(queries);
        var one = new IterativeRanker(model, new RankerOptions { OrderSamples = 1 }).Rank(queries);

        for (int q = 0; q < queries.Count; q++)
        {
            one[q].Order.Should().Equal(plain[q].Order);
            one[q].Relevance().Should().Equal(plain[q].Relevance());
        }
    }

    [Theory]
    [InlineData(4, 24, 24)]
    [InlineData(4, 100, 24)]
    [InlineData(4, 5, 5)]
    [InlineData(3, 2, 2)]
    [InlineData(9, 4, 4)]
    [InlineData(1, 4, 1)]
    public void The_orders_are_distinct_start_with_the_pools_own_and_cover_every_order_when_there_are_enough(int n, int samples, int count)
    {
        var orders = CandidateOrders.For(n, samples, seed: 7);

        orders.Should().HaveCount(count);
        orders[0].Should().Equal(Enumerable.Range(0, n));
        orders.Should().OnlyContain(o => o.Order().SequenceEqual(Enumerable.Range(0, n)), "each is an order of the pool");
        orders.Select(o => string.Join(",", o)).Should().OnlyHaveUniqueItems();
        CandidateOrders.For(n, samples, seed: 7).Should().BeEquivalentTo(orders, o => o.WithStrictOrdering(), "the same seed draws the same orders");
    }

    [Theory]
    [InlineData("Fraction(0.5, 2)", 3)]   // 8 → 4 → 2 left, then one step
    [InlineData("OnePass", 1)]
    public void Order_samples_work_with_the_schedules_that_eliminate_several_per_step(string schedule, int passes)
    {
        using var model = Random(seed: 24);
        var query = ColourQuery("a paint shop", 0, 1, 2, 3, 4, 5, 6, 7);
        var plain = new IterativeRanker(model, new RankerOptions { Schedule = EliminationSchedule.Parse(schedule) });
        var ranker = new IterativeRanker(model, new RankerOptions { Schedule = EliminationSchedule.Parse(schedule), OrderSamples = 4 });

        plain.Rank([query]);
        var result = ranker.Rank([query]).Single();

        result.Order.Should().BeEquivalentTo(Enumerable.Range(0, 8));
        ranker.LastCounters.ForwardBatches.Should().Be(passes, "the four orders of a step ride in one forward batch");
        // Four prompts per step, two at the last step of Fraction (a pool of two has only two orders).
        ranker.LastCounters.PromptTokens.Should().BeInRange(25 * plain.LastCounters.PromptTokens / 10, 45 * plain.LastCounters.PromptTokens / 10);
        var relevance = result.Relevance();
        relevance.Sum().Should().BeApproximately(1f, 1e-4f);
        for (int rank = 1; rank < 8; rank++) relevance[result.Order[rank]].Should().BeLessThanOrEqualTo(relevance[result.Order[rank - 1]]);
        foreach (var step in result.Steps.Where(s => s.LogProbs is not null))
            step.LogProbs!.Sum(lp => Math.Exp(lp)).Should().BeApproximately(1, 1e-4, "each recorded step is a distribution");
    }

    [Fact]
    public void Extra_orders_that_do_not_fit_the_token_budget_run_in_more_batches_with_the_same_result()
    {
        using var model = Random(seed: 25);
        var queries = new[] { ColourQuery("a paint shop", 0, 1, 2, 3, 4), ColourQuery("a shop for paint", 5, 6, 7, 8) };
        var source = new TemplatePromptSource(model);
        // Room for about two of a step's rows per batch: the six rows of a step (two lists, three orders) need three or more.
        int rowTokens = queries.Max(q => source.StepPrompt(q, Enumerable.Range(0, q.Candidates.Count).ToArray(), DecodingMode.Choice).Length
            + Enumerable.Range(0, q.Candidates.Count).Sum(i => source.ChoiceContinuation(q, i).Length));
        var roomy = new IterativeRanker(model, new RankerOptions { OrderSamples = 3 });
        var tight = new IterativeRanker(model, new RankerOptions { OrderSamples = 3, TokenBudget = 2 * rowTokens + 8 });

        var expected = roomy.Rank(queries);
        var actual = tight.Rank(queries);

        tight.LastCounters.ForwardBatches.Should().BeGreaterThan(roomy.LastCounters.ForwardBatches);
        for (int q = 0; q < queries.Length; q++)
        {
            actual[q].Order.Should().Equal(expected[q].Order);
            actual[q].Relevance().Should().Equal(expected[q].Relevance(), (a, b) => Math.Abs(a - b) < 1e-4f);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Fewer_than_one_order_is_a_named_error(int samples)
    {
        FluentActions.Invoking(() => new RankerOptions { OrderSamples = samples }.Validate())
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("RankerOptions.OrderSamples").WithMessage($"*1 or more*{samples}*");
        using var model = Random(seed: 26);
        FluentActions.Invoking(() => new IterativeRanker(model, new RankerOptions { OrderSamples = samples }))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*OrderSamples*");
    }

    [Theory]
    [InlineData(DecodingMode.Answer)]
    [InlineData(DecodingMode.Reasoning)]
    public void Several_orders_with_a_generating_mode_is_a_named_error_naming_both_settings(DecodingMode mode)
    {
        FluentActions.Invoking(() => new RankerOptions { Mode = mode, OrderSamples = 2 }.Validate())
            .Should().Throw<ArgumentException>().WithMessage($"*RankerOptions.OrderSamples = 2*DecodingMode.Choice*RankerOptions.Mode is {mode}*");
        FluentActions.Invoking(() => new RankerOptions { Mode = mode, OrderSamples = 1 }.Validate()).Should().NotThrow();
    }
}
