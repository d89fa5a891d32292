using IRanker.Model.Answers;

namespace IRanker.Model.Tests.Answers;

public class DirectRankingRepairTests
{
    private static readonly string[] Passages = ["passage 1", "passage 2", "passage 3", "passage 4"];

    [Fact]
    public void A_complete_permutation_is_kept_as_it_is()
    {
        var repaired = DirectRankingRepair.Repair("<think>…</think><answer>passage 3 > passage 1 > passage 4 > passage 2</answer>", Passages);
        repaired.Order.Should().Equal(2, 0, 3, 1);
        repaired.WasComplete.Should().BeTrue();
    }

    [Fact]
    public void Unknown_and_repeated_IDs_are_dropped_and_missing_ones_appended_in_input_order()
    {
        var repaired = DirectRankingRepair.Repair("<answer>passage 4 > passage 9 > passage 4 > Passage 2.</answer>", Passages);
        repaired.Order.Should().Equal(3, 1, 0, 2);
        repaired.Should().BeEquivalentTo(new { Unknown = 1, Duplicates = 1, Missing = 2 });
        repaired.WasComplete.Should().BeFalse();
    }

    [Fact]
    public void Commas_separate_items_when_there_is_no_arrow()
    {
        DirectRankingRepair.Repair("<answer>passage 2, passage 1, passage 4, passage 3</answer>", Passages).Order.Should().Equal(1, 0, 3, 2);
    }

    [Fact]
    public void Numbered_lines_separate_items()
    {
        DirectRankingRepair.Repair("<answer>\n1. passage 4\n2. passage 3\n- passage 1\n</answer>", Passages).Order.Should().Equal(3, 2, 0, 1);
    }

    [Fact]
    public void Titles_with_commas_survive_arrows()
    {
        string[] movies = ["Matrix, The (1999)", "Heat (1995)"];
        var repaired = DirectRankingRepair.Repair("<answer>Heat (1995) > Matrix, The (1999)</answer>", movies);
        repaired.Order.Should().Equal(1, 0);
        repaired.WasComplete.Should().BeTrue();
    }

    [Fact]
    public void An_answer_without_any_ID_gives_the_input_order()
    {
        var repaired = DirectRankingRepair.Repair("I cannot rank these.", Passages);
        repaired.Order.Should().Equal(0, 1, 2, 3);
        repaired.Missing.Should().Be(4);
    }
}
