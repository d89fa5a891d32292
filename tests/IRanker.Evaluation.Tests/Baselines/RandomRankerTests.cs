using IRanker.Evaluation.Baselines;
using IRanker.Model;

namespace IRanker.Evaluation.Tests.Baselines;

public class RandomRankerTests
{
    private static RankingQuery List(int size) =>
        new("q", Enumerable.Range(1, size).Select(i => new RankingCandidate($"passage {i}", $"text {i}", i == 1 ? 1 : 0)).ToList());

    [Fact]
    public void Every_order_is_a_permutation_of_the_candidates()
    {
        var results = new RandomRanker(seed: 3).Rank([List(5), List(9), List(1)]);

        results.Select(r => r.Order.Count).Should().Equal(5, 9, 1);
        foreach (var result in results)
            result.Order.Should().BeEquivalentTo(Enumerable.Range(0, result.Query.Candidates.Count));
    }

    [Fact]
    public void The_same_seed_gives_the_same_orders_and_another_seed_differs()
    {
        var queries = Enumerable.Range(0, 20).Select(_ => List(9)).ToList();

        var first = new RandomRanker(seed: 11).Rank(queries).Select(r => string.Join(",", r.Order)).ToList();
        var again = new RandomRanker(seed: 11).Rank(queries).Select(r => string.Join(",", r.Order)).ToList();
        var other = new RandomRanker(seed: 12).Rank(queries).Select(r => string.Join(",", r.Order)).ToList();

        again.Should().Equal(first);
        other.Should().NotEqual(first);
    }

    [Fact]
    public void The_positive_lands_on_every_rank_about_equally_often()
    {
        var queries = Enumerable.Range(0, 5000).Select(_ => List(5)).ToList();

        var ranks = new RandomRanker(seed: 1).Rank(queries).Select(r => r.Order.ToList().IndexOf(0)).ToList();
        double mrr = ranks.Average(r => 1.0 / (r + 1));

        // Expected H(5)/5 = 0.4567; the standard error over 5000 lists is about 0.004.
        mrr.Should().BeApproximately(0.4567, 0.02);
    }
}
