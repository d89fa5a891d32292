using IRanker.Model.Step;

namespace IRanker.Model.Tests.Step;

public class TokenBudgetBatcherTests
{
    private static StepRow Row(int promptTokens) => StepRow.Create(Enumerable.Range(1, promptTokens).ToArray(), null, []);

    [Fact]
    public void Rows_are_grouped_in_order_while_the_padded_batch_fits_the_budget()
    {
        var rows = new[] { Row(10), Row(30), Row(20), Row(50), Row(5) };

        // 2 x 30 = 60 fits 70; 3 x 30 = 90 does not; 50 alone; 2 x 50 = 100 does not.
        TokenBudgetBatcher.Plan(rows, budget: 70, generatedTokens: 0)
            .Should().BeEquivalentTo(new[] { new[] { 0, 1 }, [2], [3], [4] }, o => o.WithStrictOrdering());
    }

    [Fact]
    public void Tokens_still_to_generate_count_against_the_budget_and_a_row_too_large_runs_alone()
    {
        var rows = new[] { Row(10), Row(10), Row(200) };

        TokenBudgetBatcher.Plan(rows, budget: 30, generatedTokens: 10).Should().BeEquivalentTo(new[] { new[] { 0 }, [1], [2] }, o => o.WithStrictOrdering());
        TokenBudgetBatcher.Plan(rows, budget: 30, generatedTokens: 0).Should().BeEquivalentTo(new[] { new[] { 0, 1 }, [2] }, o => o.WithStrictOrdering());
    }
}
