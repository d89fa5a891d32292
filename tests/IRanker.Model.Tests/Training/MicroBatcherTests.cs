using IRanker.Model.Training;

namespace IRanker.Model.Tests.Training;

public class MicroBatcherTests
{
    [Fact]
    public void Items_go_shortest_first_into_batches_that_fit_the_row_limit()
    {
        int[] lengths = [5, 1, 3, 2];
        var batches = MicroBatcher.Plan(4, maxRows: 2, _ => 1, i => lengths[i]);
        batches.Should().BeEquivalentTo(new[] { new[] { 1, 3 }, new[] { 2, 0 } }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void An_item_larger_than_the_limit_gets_a_batch_of_its_own()
    {
        var batches = MicroBatcher.Plan(3, maxRows: 4, i => i == 1 ? 8 : 2, i => i);
        batches.Should().BeEquivalentTo(new[] { new[] { 0 }, new[] { 1 }, new[] { 2 } }, o => o.WithStrictOrdering());
    }
}
