using IRanker.Model.Answers;

namespace IRanker.Model.Tests.Answers;

public class AnswerParserTests
{
    private static readonly string[] Passages = ["passage 2", "passage 3", "passage 5"];
    private static readonly string[] Movies = ["The Matrix (1999)", "Toy Story (1995)", "Heat (1995)"];

    [Fact]
    public void A_well_formed_answer_matches_exactly()
    {
        var parsed = AnswerParser.Match("Let me solve this step by step.\n<think>Heat is a thriller.</think>\n<answer>\nHeat (1995)\n</answer>", Movies);
        parsed.Index.Should().Be(2);
        parsed.Rule.Should().Be(AnswerMatch.Exact);
        parsed.Answer.Format.Should().Be(AnswerFormat.WellFormed);
        parsed.NotInPool.Should().BeFalse();
    }

    [Fact]
    public void Case_and_punctuation_around_an_ID_are_normalised()
    {
        var parsed = AnswerParser.Match("<answer>Passage 3.</answer>", Passages);
        parsed.Index.Should().Be(1);
        parsed.Rule.Should().Be(AnswerMatch.Normalized);
    }

    [Fact]
    public void An_answer_without_tags_uses_the_text_after_thinking()
    {
        var parsed = AnswerParser.Match("<think>The query asks about Paris.</think> passage 5", Passages);
        parsed.Index.Should().Be(2);
        parsed.Rule.Should().Be(AnswerMatch.Exact);
        parsed.Answer.Format.Should().Be(AnswerFormat.NoTags);
    }

    [Fact]
    public void Of_two_answers_the_last_counts()
    {
        var parsed = AnswerParser.Match("<answer>passage 2</answer> Wait, no. <answer>passage 3</answer>", Passages);
        parsed.Index.Should().Be(1);
        parsed.Answer.Format.Should().Be(AnswerFormat.SeveralAnswers);
    }

    [Fact]
    public void A_near_miss_title_matches_fuzzily()
    {
        var parsed = AnswerParser.Match("<answer>The Matrx (1999)</answer>", Movies);
        parsed.Index.Should().Be(0);
        parsed.Rule.Should().Be(AnswerMatch.Fuzzy);
        parsed.NotInPool.Should().BeTrue();
    }

    [Fact]
    public void An_already_eliminated_passage_falls_back_to_the_nearest_and_is_counted_not_in_pool()
    {
        // passage 4 was eliminated earlier; "passage 4" is equally close to passage 2, 3 and 5 (ratio 0.89, below the threshold).
        var parsed = AnswerParser.Match("<answer>passage 4</answer>", Passages);
        parsed.Rule.Should().Be(AnswerMatch.Nearest);
        parsed.Index.Should().Be(2, "ties go to the last remaining candidate");
        parsed.NotInPool.Should().BeTrue();
    }

    [Fact]
    public void An_answer_nearest_to_one_title_picks_it()
    {
        var parsed = AnswerParser.Match("<answer>I would drop the toy story movie</answer>", Movies);
        parsed.Rule.Should().Be(AnswerMatch.Nearest);
        parsed.Index.Should().Be(1);
    }

    [Fact]
    public void An_empty_answer_still_eliminates_the_last_candidate()
    {
        var parsed = AnswerParser.Match("<think>hmm</think><answer> </answer>", Passages);
        parsed.Index.Should().Be(2);
        parsed.Rule.Should().Be(AnswerMatch.Nearest);
        parsed.Answer.Format.Should().HaveFlag(AnswerFormat.Empty);
    }

    [Fact]
    public void An_unclosed_answer_uses_the_text_after_the_tag()
    {
        var parsed = AnswerParser.Match("<think>x</think><answer>passage 2", Passages);
        parsed.Index.Should().Be(0);
        parsed.Answer.Format.Should().Be(AnswerFormat.Unclosed);
    }

    [Fact]
    public void Output_generated_after_the_answer_prefix_is_read_up_to_the_closing_tag()
    {
        var parsed = AnswerParser.Match("passage 5</answer>", Passages);
        parsed.Index.Should().Be(2);
        parsed.Rule.Should().Be(AnswerMatch.Exact);
    }

    [Fact]
    public void A_single_remaining_candidate_needs_no_answer()
    {
        AnswerParser.Match("anything", ["passage 9"]).Should().Be(new ParsedAnswer(0, AnswerMatch.LastRemaining, new ExtractedAnswer("anything", AnswerFormat.NoTags)));
    }

    [Theory]
    [InlineData("passage 3", "passage 4", 16.0 / 18)]
    [InlineData("abc", "abc", 1.0)]
    [InlineData("abc", "xyz", 0.0)]
    [InlineData("heat", "hate", 6.0 / 8)]
    public void The_LCS_ratio_is_twice_the_common_subsequence_over_the_lengths(string a, string b, double expected)
    {
        AnswerParser.LcsRatio(a, b).Should().BeApproximately(expected, 1e-12);
    }

    [Fact]
    public void Statistics_count_formats_and_rules()
    {
        var statistics = new AnswerStatistics();
        statistics.Record(AnswerParser.Match("<answer>passage 2</answer>", Passages));
        statistics.Record(AnswerParser.Match("passage 2", Passages));
        statistics.Record(AnswerParser.Match("<answer>a</answer><answer>passage 4</answer>", Passages));
        statistics.Record(AnswerParser.Match("<answer></answer>", Passages));

        statistics.Total.Should().Be(4);
        statistics.Malformed.Should().Be(3);
        statistics.NoTags.Should().Be(1);
        statistics.SeveralAnswers.Should().Be(1);
        statistics.Empty.Should().Be(1);
        statistics.NotInPool.Should().Be(2);
        statistics.ByRule(AnswerMatch.Exact).Should().Be(2);
        statistics.ByRule(AnswerMatch.Nearest).Should().Be(2);
        statistics.ToString().Should().StartWith("answers 4: malformed 3");
    }
}
