using IRanker.Model.Prompts;
using IRanker.Model.Tests.Text;

namespace IRanker.Model.Tests.Prompts;

public class PromptTemplateTests
{
    private static string Expected(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "prompts", name)).ReplaceLineEndings("\n");

    [Fact]
    public void Recommendation_step_prompt_matches_the_reviewed_text()
    {
        var prompt = PromptTemplate.For(RankingScenario.Recommendation).BuildStep(PromptExamples.Recommendation, [0, 1, 2]);
        prompt.Text.Should().Be(Expected("recommendation-step-reasoning.txt"));
    }

    [Fact]
    public void Routing_step_prompt_matches_the_reviewed_text()
    {
        var prompt = PromptTemplate.For(RankingScenario.Routing).BuildStep(PromptExamples.Routing, [0, 1, 2]);
        prompt.Text.Should().Be(Expected("routing-cost-step-reasoning.txt"));
    }

    [Fact]
    public void Passage_step_prompt_after_eliminations_keeps_the_original_IDs()
    {
        var prompt = PromptTemplate.For(RankingScenario.Passage).BuildStep(PromptExamples.Passage, [3, 1], DecodingMode.Answer);
        prompt.Text.Should().Be(Expected("passage-step-answer.txt"));
        prompt.Rest.Should().StartWith("passage 2: ").And.Contain("\npassage 4: ").And.NotContain("passage 1");
    }

    [Fact]
    public void Generic_step_prompt_matches_the_reviewed_text()
    {
        var prompt = PromptTemplate.For(RankingScenario.Generic).BuildStep(PromptExamples.Generic, [0, 1], DecodingMode.Choice);
        prompt.Text.Should().Be(Expected("generic-step-choice.txt"));
    }

    [Fact]
    public void Passage_direct_prompt_matches_the_reviewed_text()
    {
        var prompt = PromptTemplate.For(RankingScenario.Passage).BuildDirect(PromptExamples.Passage);
        prompt.Text.Should().Be(Expected("passage-direct-reasoning.txt"));
    }

    [Fact]
    public void Modes_end_the_prompt_as_documented()
    {
        var template = PromptTemplate.For(RankingScenario.Passage);
        var reasoning = template.BuildStep(PromptExamples.Passage, [0, 1], DecodingMode.Reasoning);
        reasoning.User.Should().EndWith("Show your work in <think> </think> tags. And return the final answer in <answer> </answer> tags.");
        reasoning.Text.Should().EndWith("<|im_start|>assistant\nLet me solve this step by step.\n<think>");
        foreach (var mode in new[] { DecodingMode.Answer, DecodingMode.Choice })
        {
            var prompt = template.BuildStep(PromptExamples.Passage, [0, 1], mode);
            prompt.AssistantPrefix.Should().Be("<answer>");
            prompt.Text.Should().EndWith("<|im_start|>assistant\n<answer>");
            prompt.User.Should().Contain("inside <answer> </answer> tags").And.NotContain("<think>");
        }
    }

    [Fact]
    public void Compact_passage_step_is_the_context_the_candidates_and_the_answer_prefix()
    {
        var prompt = PromptTemplate.For(RankingScenario.Passage, PromptStyle.Compact).BuildStep(PromptExamples.Passage, [3, 1], DecodingMode.Choice);
        prompt.Text.Should().Be(
            "Search query: what is the capital of france\n" +
            "Passages:\n" +
            "passage 2: Paris is the capital and largest city of France.\n" +
            "passage 4: The Eiffel Tower was finished in 1889.\n" +
            "<answer>");
        prompt.System.Should().BeEmpty();
        prompt.AssistantPrefix.Should().Be("<answer>");
        prompt.Rest.Should().StartWith("passage 2: ");
    }

    [Fact]
    public void Compact_routing_step_keeps_the_task_objective_and_drops_the_chat_markup()
    {
        var template = PromptTemplate.For(RankingScenario.Routing, PromptStyle.Compact);
        string Text(string task) => template.BuildStep(PromptExamples.Routing with { Task = task }, [0, 1], DecodingMode.Choice).Text;
        Text("Performance").Should().Contain("price does not matter");
        Text("Cost").Should().Contain("mainly by their price");
        Text("Cost").Should().StartWith("A user sent this query:\n").And.EndWith("\n<answer>")
            .And.NotContain("<|im_start|>").And.NotContain("Find the ONE").And.NotContain("Reply with");
        template.BuildStep(PromptExamples.Routing, [0, 1], DecodingMode.Reasoning).Text.Should().EndWith("\n" + PromptTemplate.ReasoningPrefix);
    }

    [Fact]
    public void Built_in_templates_are_chat_style_unless_asked()
    {
        PromptTemplate.For(RankingScenario.Generic).Style.Should().Be(PromptStyle.Chat);
        PromptTemplate.For(RankingScenario.Generic, PromptStyle.Compact).Style.Should().Be(PromptStyle.Compact);
        // The direct prompt has one layout: a scratch model is trained on elimination steps only.
        PromptTemplate.For(RankingScenario.Passage, PromptStyle.Compact).BuildDirect(PromptExamples.Passage).Text
            .Should().Be(Expected("passage-direct-reasoning.txt"));
    }

    [Theory]
    [InlineData(RankingScenario.Recommendation, PromptStyle.Chat)]
    [InlineData(RankingScenario.Routing, PromptStyle.Chat)]
    [InlineData(RankingScenario.Passage, PromptStyle.Chat)]
    [InlineData(RankingScenario.Generic, PromptStyle.Chat)]
    [InlineData(RankingScenario.Recommendation, PromptStyle.Compact)]
    [InlineData(RankingScenario.Routing, PromptStyle.Compact)]
    [InlineData(RankingScenario.Passage, PromptStyle.Compact)]
    [InlineData(RankingScenario.Generic, PromptStyle.Compact)]
    public void The_static_prefix_is_the_same_at_every_step_and_tokenizes_on_its_own(RankingScenario scenario, PromptStyle style)
    {
        var query = scenario switch
        {
            RankingScenario.Recommendation => PromptExamples.Recommendation,
            RankingScenario.Routing => PromptExamples.Routing,
            RankingScenario.Passage => PromptExamples.Passage,
            _ => PromptExamples.Generic,
        };
        var template = PromptTemplate.For(scenario, style);
        var all = Enumerable.Range(0, query.Candidates.Count).ToArray();
        var first = template.BuildStep(query, all);
        var later = template.BuildStep(query, all.Skip(1).ToArray());

        later.StaticPrefix.Should().Be(first.StaticPrefix);
        later.Rest.Should().NotBe(first.Rest);
        first.Text.Should().StartWith(first.StaticPrefix);
        var tokenizer = TestTokenizers.Qwen;
        tokenizer.Encode(first.StaticPrefix).Concat(tokenizer.Encode(first.Rest)).Should().Equal(tokenizer.Encode(first.Text));
    }

    [Fact]
    public void Routing_objective_follows_the_task()
    {
        var template = PromptTemplate.For(RankingScenario.Routing);
        string Instruction(string? task) => template.BuildStep(PromptExamples.Routing with { Task = task }, [0, 1]).User;
        Instruction("Performance").Should().Contain("price does not matter");
        Instruction("Balance").Should().Contain("both counting equally");
        Instruction(null).Should().Be(Instruction("Balance"));
        Instruction("Cost").Should().Contain("mainly by their price");
        var unknown = () => Instruction("Speed");
        unknown.Should().Throw<ArgumentException>().WithMessage("*Speed*Performance, Balance or Cost*");
    }

    [Fact]
    public void Bad_candidate_indices_are_refused()
    {
        var template = PromptTemplate.For(RankingScenario.Passage);
        var outside = () => template.BuildStep(PromptExamples.Passage, [0, 9]);
        outside.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*9*msmarco-42*");
        var twice = () => template.BuildStep(PromptExamples.Passage, [1, 1]);
        twice.Should().Throw<ArgumentException>().WithMessage("*twice*");
        var choice = () => template.BuildDirect(PromptExamples.Passage, DecodingMode.Choice);
        choice.Should().Throw<ArgumentException>();
    }
}
