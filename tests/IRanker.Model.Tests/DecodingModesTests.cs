using IRanker.Model.Answers;
using IRanker.Model.Prompts;

namespace IRanker.Model.Tests;

/// <summary>The one mapping of a decoding mode to prompts, answers and the parser's view.</summary>
public class DecodingModesTests
{
    [Theory]
    [InlineData(DecodingMode.Choice, "<answer>", "passage 3</answer>")]
    [InlineData(DecodingMode.Answer, "<answer>", "passage 3</answer>")]
    [InlineData(DecodingMode.Reasoning, "<think>", "</think>\n<answer>passage 3</answer>")]
    public void The_prompt_opens_a_tag_and_the_answer_closes_what_is_open(DecodingMode mode, string opened, string answer)
    {
        DecodingModes.OpenedTag(mode).Should().Be(opened);
        DecodingModes.AssistantPrefix(mode).Should().EndWith(opened);
        DecodingModes.Answer(mode, "passage 3").Should().Be(answer);
        AnswerTags.IsWellFormed(DecodingModes.AnswerText(mode, answer), mode).Should().BeTrue();
        AnswerParser.CompleteAnswer(DecodingModes.AnswerText(mode, answer)).Should().Be("passage 3");
    }

    [Fact]
    public void Templates_end_their_step_prompts_with_the_modes_assistant_prefix()
    {
        var query = new RankingQuery("q", [new("passage 1", "a"), new("passage 2", "b")], RankingScenario.Passage);
        foreach (var style in Enum.GetValues<PromptStyle>())
            foreach (var mode in Enum.GetValues<DecodingMode>())
                PromptTemplate.For(RankingScenario.Passage, style).BuildStep(query, [0, 1], mode).Text
                    .Should().EndWith(DecodingModes.AssistantPrefix(mode));
    }
}
