using IRanker.Evaluation.Metrics;

namespace IRanker.Evaluation.Tests.Metrics;

public class PairedComparisonTests
{
    [Fact]
    public void Mean_standard_error_and_counts_of_the_differences()
    {
        // Differences 1, -1, 2, 0: mean 0.5, sample variance ((0.5² + 1.5² + 1.5² + 0.5²) / 3) = 5/3.
        var c = PairedComparison.Of([3, 1, 4, 2], [2, 2, 2, 2]);
        c.Lists.Should().Be(4);
        c.MeanDifference.Should().BeApproximately(0.5, 1e-12);
        c.StandardError.Should().BeApproximately(Math.Sqrt(5.0 / 3 / 4), 1e-12);
        (c.Wins, c.Losses, c.Ties).Should().Be((2, 1, 1));
    }

    [Fact]
    public void Three_lists_cannot_show_a_difference_however_large()
    {
        // All 2³ sign patterns are equally likely under the null; two of them reach |sum| = 1.5: p = 2/8.
        var c = PairedComparison.Of([1, 1, 1], [0.5, 0.5, 0.5]);
        c.PValue.Should().BeApproximately(0.25, 0.02);
        c.FirstIsBetter().Should().BeFalse();
    }

    [Fact]
    public void A_consistent_gain_over_thirty_lists_is_beyond_chance()
    {
        var random = new Random(3);
        var second = Enumerable.Range(0, 30).Select(_ => random.NextDouble() * 0.5).ToArray();
        var first = second.Select(x => x + 0.2 + 0.1 * random.NextDouble()).ToArray();
        var c = PairedComparison.Of(first, second);
        c.PValue.Should().BeLessThan(0.001);
        c.FirstIsBetter().Should().BeTrue();
        PairedComparison.Of(second, first).FirstIsBetter().Should().BeFalse("the second ranker is the better one");
    }

    [Fact]
    public void Differences_that_cancel_out_are_not_a_difference()
    {
        var first = Enumerable.Range(0, 30).Select(i => i % 2 == 0 ? 1.0 : 0.0).ToArray();
        var second = Enumerable.Range(0, 30).Select(i => i % 2 == 0 ? 0.0 : 1.0).ToArray();
        var c = PairedComparison.Of(first, second);
        c.MeanDifference.Should().Be(0);
        c.PValue.Should().BeGreaterThan(0.9);
        c.FirstIsBetter().Should().BeFalse();
        PairedComparison.Of(first, first).PValue.Should().Be(1);
    }

    [Fact]
    public void The_p_value_is_the_same_on_every_call()
    {
        double[] a = [0.5, 1, 0.33, 0.25, 1, 0.2], b = [1, 0.5, 0.25, 0.33, 0.5, 0.2];
        PairedComparison.Of(a, b).PValue.Should().Be(PairedComparison.Of(a, b).PValue);
    }

    [Fact]
    public void Unpaired_or_invalid_values_are_refused_with_the_reason()
    {
        FluentActions.Invoking(() => PairedComparison.Of([1, 2], [1, 2, 3])).Should().Throw<ArgumentException>().WithMessage("*2 and 3 values*");
        FluentActions.Invoking(() => PairedComparison.Of([], [])).Should().Throw<ArgumentException>().WithMessage("*at least one list*");
        FluentActions.Invoking(() => PairedComparison.Of([double.NaN], [1])).Should().Throw<ArgumentException>().WithMessage("List 0*not a finite number*");
        FluentActions.Invoking(() => PairedComparison.Of([1], [0]).FirstIsBetter(1.5)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
