using IRanker.Evaluation.Metrics;
using IRanker.Model;

namespace IRanker.Evaluation.Tests.Metrics;

public class RankingMetricsTests
{
    private static RankingResult Result(float[] labels, int[] order) =>
        new(new RankingQuery("q", labels.Select((l, i) => new RankingCandidate($"c{i}", $"c{i}", l)).ToArray()), order, []);

    [Fact]
    public void Reciprocal_rank_and_hits_use_the_first_candidate_with_the_highest_label()
    {
        float[] labels = [1, 0, 2, 2];
        int[] order = [1, 3, 2, 0];   // the best label (2) first appears at rank 2
        ListMetrics.FirstRelevantRank(order, labels).Should().Be(2);
        ListMetrics.ReciprocalRank(order, labels).Should().Be(0.5);
        ListMetrics.Hit(order, labels, 1).Should().Be(0);
        ListMetrics.Hit(order, labels, 2).Should().Be(1);
    }

    [Fact]
    public void NDCG_uses_ML_NET_gains_and_natural_log_discount()
    {
        // Labels by rank: 0, 2, 1. Gains 0, 7, 3. DCG@3 = 7/ln 3 + 3/ln 4; ideal 7/ln 2 + 3/ln 3.
        float[] labels = [1, 2, 0];
        int[] order = [2, 1, 0];
        double dcg = 7 / Math.Log(3) + 3 / Math.Log(4);
        double ideal = 7 / Math.Log(2) + 3 / Math.Log(3);
        ListMetrics.Ndcg(order, labels, 3).Should().BeApproximately(dcg / ideal, 1e-12);
        ListMetrics.Ndcg(order, labels, 3).Should().BeApproximately(8.53575 / 12.82958, 1e-5); // (6.37171 + 2.16404) / (10.09886 + 2.73072)
        // @1: the top candidate has gain 0.
        ListMetrics.Ndcg(order, labels, 1).Should().Be(0);
        // k beyond the list keeps the whole list.
        ListMetrics.Ndcg(order, labels, 10).Should().BeApproximately(dcg / ideal, 1e-12);
    }

    [Fact]
    public void With_one_positive_NDCG_is_one_over_log2_of_rank_plus_one()
    {
        float[] labels = [0, 0, 0, 1];
        int[] order = [0, 3, 1, 2];
        ListMetrics.Ndcg(order, labels, 5).Should().BeApproximately(1 / Math.Log2(3), 1e-12);
    }

    [Fact]
    public void Labels_outside_ML_NET_levels_are_refused_for_NDCG()
    {
        var ndcg = () => ListMetrics.Ndcg([0, 1], [0.5f, 0], 2);
        ndcg.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0..4*");
    }

    [Fact]
    public void Compute_averages_over_lists_and_counts_lists_without_a_positive_as_zero()
    {
        var results = new[]
        {
            Result([0, 1, 0], [1, 0, 2]),          // positive first: RR 1, NDCG 1
            Result([0, 0, 1, 0, 0], [0, 1, 3, 4, 2]), // positive last (rank 5): RR 0.2
            Result([0, 0], [0, 1]),                // no positive
        };
        var summary = RankingMetrics.Compute(results, [1, 5]);
        summary.Lists.Should().Be(3);
        summary.ListsWithoutRelevant.Should().Be(1);
        summary.Mrr.Should().BeApproximately((1 + 0.2 + 0) / 3, 1e-12);
        summary.HitAt[1].Should().BeApproximately(1.0 / 3, 1e-12);
        summary.HitAt[5].Should().BeApproximately(2.0 / 3, 1e-12);
        summary.NdcgAt[1].Should().BeApproximately(1.0 / 3, 1e-12);
        summary.NdcgAt[5].Should().BeApproximately((1 + Math.Log(2) / Math.Log(6)) / 3, 1e-12);
    }

    [Fact]
    public void Unlabelled_queries_are_refused_with_their_id()
    {
        var result = new RankingResult(new RankingQuery("q", [new("a", "a"), new("b", "b", 1)], QueryId: "group-7"), [0, 1], []);
        var compute = () => RankingMetrics.Compute([result], [1]);
        compute.Should().Throw<ArgumentException>().WithMessage("*group-7*label*");
    }
}
