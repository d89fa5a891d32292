using IRanker.Model.Training.Rewards;

namespace IRanker.Model.Tests.Training;

public class RewardTests
{
    // passage 1 is the positive (label 2), passage 2 a partial (1), passages 3 and 4 negatives (0).
    private static readonly RankingQuery Query = new("capital of france",
    [
        new("passage 1", "Paris is the capital of France.", 2),
        new("passage 2", "France is in Europe.", 1),
        new("passage 3", "Bananas are yellow.", 0),
        new("passage 4", "Cats sleep a lot.", 0),
    ], RankingScenario.Passage);

    private static readonly int[] All = [0, 1, 2, 3];
    private static readonly EliminationRewards Standard = new(EliminationRewards.Standard(DecodingMode.Answer));

    /// <summary>Rewards <paramref name="response"/>, the text the model wrote after the tag its step prompt opened.</summary>
    private static RewardBreakdown Score(string response, IReadOnlyList<int>? remaining = null, DecodingMode mode = DecodingMode.Reasoning) =>
        Standard.Score(new RewardInput(Query, remaining ?? All, response, null, mode));

    [Fact]
    public void Eliminating_a_minimum_label_candidate_in_the_right_format_scores_one()
    {
        var r = Score("bananas are off topic</think>\n<answer>passage 3</answer>");
        r.Total.Should().Be(1.0);
        r.Parts.Should().Equal(new Dictionary<string, double> { ["exclusion"] = 1.0, ["format"] = 0.0, ["tags"] = 0.0 });
    }

    [Fact]
    public void Eliminating_the_positive_scores_zero()
    {
        Score("x</think><answer>passage 1</answer>").Total.Should().Be(0.0);
    }

    [Fact]
    public void Eliminating_a_middle_candidate_gets_graded_credit()
    {
        // 1 - (1 - 0) / (2 - 0) = 0.5
        Score("x</think><answer>passage 2</answer>").Parts["exclusion"].Should().Be(0.5);
        // Once the negatives are gone, passage 2 is the minimum of {1, 2}: full credit.
        Score("x</think><answer>passage 2</answer>", [0, 1]).Parts["exclusion"].Should().Be(1.0);
    }

    [Fact]
    public void Equal_labels_give_full_credit_to_any_elimination()
    {
        Score("x</think><answer>passage 4</answer>", [2, 3]).Total.Should().Be(1.0);
    }

    [Fact]
    public void An_answer_naming_no_remaining_candidate_scores_minus_a_half()
    {
        Score("x</think><answer>passage 9</answer>").Parts["exclusion"].Should().Be(-0.5);
        // passage 3 was already eliminated
        Score("x</think><answer>passage 3</answer>", [0, 1, 3]).Parts["exclusion"].Should().Be(-0.5);
    }

    [Fact]
    public void Answers_match_ignoring_case_and_extra_white_space()
    {
        Score("x</think><answer>  Passage   3 </answer>").Parts["exclusion"].Should().Be(1.0);
    }

    [Fact]
    public void No_answer_at_all_scores_minus_one_plus_format_and_tags()
    {
        var r = Score("I think passage 3 is the worst.");
        r.Parts["exclusion"].Should().Be(-1.0);
        r.Parts["format"].Should().Be(-1.0);
        r.Parts["tags"].Should().Be(-0.75); // only the <think> the prompt opened
        r.Total.Should().Be(-2.75);
    }

    [Theory]
    [InlineData("x</think><answer>passage 3</answer> and more text", -1.0, 0.0)]                    // trailing text
    [InlineData("x</think><answer>passage 4</answer><answer>passage 3</answer>", -1.0, -0.5)]       // two answers
    [InlineData("x</think>\n<answer>passage 3</answer><think>y</think>", -1.0, -0.5)]              // a second think block
    [InlineData("<think>x</think><answer>passage 3</answer>", -1.0, -0.25)]                        // the think block opened again
    [InlineData("x<answer>passage 3</answer>", -1.0, -0.25)]                                        // unclosed think
    public void Malformed_responses_lose_format_and_tag_points(string response, double format, double tags)
    {
        var r = Score(response);
        r.Parts["format"].Should().Be(format);
        r.Parts["tags"].Should().Be(tags);
        r.Parts["exclusion"].Should().Be(1.0); // the last answer block still names passage 3
    }

    [Fact]
    public void A_response_that_repeats_the_prompt_is_penalised_not_rewarded()
    {
        // The reference code scored prompt + response: the prompt's own instruction tags then count. Scoring the
        // response only, a model that echoes the prompt is punished for the extra tags and the broken format.
        const string prompt = "Show your work in <think> </think> tags. And return the final answer in <answer> </answer> tags.";
        var echo = Score(prompt + "x</think><answer>passage 3</answer>");
        echo.Parts["format"].Should().Be(-1.0);
        echo.Parts["tags"].Should().Be(-1.0);
        echo.Total.Should().Be(-1.0);

        var clean = Score("x</think><answer>passage 3</answer>");
        clean.Total.Should().BeGreaterThan(echo.Total);
    }

    [Fact]
    public void The_tag_the_prompt_opened_counts_toward_the_format()
    {
        // The Reasoning prompt ends with "<think>", so the model's response starts inside the think block.
        Score("bananas</think><answer>passage 3</answer>").Total.Should().Be(1.0);
        Score("<think>bananas</think><answer>passage 3</answer>").Parts["format"].Should().Be(-1.0);
    }

    [Fact]
    public void Answer_mode_needs_just_the_answer_tags()
    {
        // The Answer prompt ends with "<answer>": the model writes the ID and closes the tag.
        Score("passage 4</answer>", mode: DecodingMode.Answer).Total.Should().Be(1.0);
        var r = Score("passage 4</answer> because it is off topic", mode: DecodingMode.Answer);
        r.Parts["format"].Should().Be(-1.0);
        r.Parts["tags"].Should().Be(0.0);
    }

    [Fact]
    public void Choice_mode_scores_the_chosen_index_without_text_checks()
    {
        var rewards = new EliminationRewards(EliminationRewards.Standard(DecodingMode.Choice));
        rewards.Names.Should().Equal("exclusion");
        rewards.Score(new RewardInput(Query, All, "", ChosenIndex: 2)).Total.Should().Be(1.0);
        rewards.Score(new RewardInput(Query, All, "", ChosenIndex: 0)).Total.Should().Be(0.0);
        rewards.Score(new RewardInput(Query, [0, 1], "", ChosenIndex: 2)).Total.Should().Be(-0.5);
        Standard.Score(new RewardInput(Query, All, "", ChosenIndex: 1)).Total.Should().Be(0.5);
    }

    [Fact]
    public void A_candidate_without_a_label_is_an_error_that_names_it()
    {
        var unlabeled = Query with { Candidates = [new("a", "x", 1), new("b", "y")], QueryId = "q7" };
        var act = () => new ExclusionReward().Score(new RewardInput(unlabeled, [0, 1], "", ChosenIndex: 0));
        act.Should().Throw<ArgumentException>().WithMessage("*'b'*'q7'*label*");
    }

    [Fact]
    public void Reward_sets_reject_duplicate_names_and_non_finite_rewards()
    {
        var dup = () => new EliminationRewards([new ExclusionReward(), new ExclusionReward()]);
        dup.Should().Throw<ArgumentException>().WithMessage("*'exclusion'*");

        var nan = new EliminationRewards([new ConstantReward(double.NaN)]);
        var act = () => nan.Score(new RewardInput(Query, All, "x"));
        act.Should().Throw<InvalidOperationException>().WithMessage("*'constant'*NaN*");
    }

    private sealed class ConstantReward(double value) : IRewardFunction
    {
        public string Name => "constant";
        public double Score(RewardInput input) => value;
    }

    [Theory]
    [InlineData("Passage 3.</answer>", 1.0)]                   // ranking: Normalized; the reward names it too
    [InlineData("  PASSAGE   3 </answer>", 1.0)]
    [InlineData("passage 3</ANSWER>", 1.0)]                    // a closing tag in another case: a complete block for both readers
    [InlineData("<answer>passage 3</answer>", 1.0)]            // the opened tag written again: the innermost block
    [InlineData("pasage 3</answer>", ExclusionReward.UnknownCandidate)]   // ranking's fuzzy fallback is not rewarded
    [InlineData("bananas</answer>", ExclusionReward.UnknownCandidate)]    // nor its nearest one
    [InlineData("passage 3", ExclusionReward.NoAnswer)]                   // no complete block
    public void The_reward_reads_an_answer_as_ranking_does_and_credits_only_the_strict_rules(string response, double expected)
    {
        var input = new RewardInput(Query, All, response, null, DecodingMode.Answer);
        new ExclusionReward().Score(input).Should().Be(expected);
        var parsed = IRanker.Model.Answers.AnswerParser.Match(input.AssistantText, Query.Candidates.Select(c => c.Id).ToArray());
        if (expected == 1.0) parsed.Index.Should().Be(2, "ranking eliminates the same candidate");
    }
}
