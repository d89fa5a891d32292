using IRanker.Model.Ranking;
using IRanker.Model.Ranking.Prompts;
using IRanker.Model.Tests.Text;

namespace IRanker.Model.Tests.Ranking.Prompts;

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
        var prompt = PromptTemplate.For(RankingScenario.Passage).BuildStep(PromptExamples.Passage, [3, 1], PromptMode.Answer);
        prompt.Text.Should().Be(Expected("passage-step-answer.txt"));
        prompt.Rest.Should().StartWith("passage 2: ").And.Contain("\npassage 4: ").And.NotContain("passage 1");
    }

    [Fact]
    public void Generic_step_prompt_matches_the_reviewed_text()
    {
        var prompt = PromptTemplate.For(RankingScenario.Generic).BuildStep(PromptExamples.Generic, [0, 1], PromptMode.Choice);
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
        var reasoning = template.BuildStep(PromptExamples.Passage, [0, 1], PromptMode.Reasoning);
        reasoning.User.Should().EndWith("Show your work in <think> </think> tags. And return the final answer in <answer> </answer> tags.");
        reasoning.Text.Should().EndWith("<|im_start|>assistant\nLet me solve this step by step.\n<think>");
        foreach (var mode in new[] { PromptMode.Answer, PromptMode.Choice })
        {
            var prompt = template.BuildStep(PromptExamples.Passage, [0, 1], mode);
            prompt.AssistantPrefix.Should().Be("<answer>");
            prompt.Text.Should().EndWith("<|im_start|>assistant\n<answer>");
            prompt.User.Should().Contain("inside <answer> </answer> tags").And.NotContain("<think>");
        }
    }

    [Theory]
    [InlineData(RankingScenario.Recommendation)]
    [InlineData(RankingScenario.Routing)]
    [InlineData(RankingScenario.Passage)]
    [InlineData(RankingScenario.Generic)]
    public void The_static_prefix_is_the_same_at_every_step_and_tokenizes_on_its_own(RankingScenario scenario)
    {
        var query = scenario switch
        {
            RankingScenario.Recommendation => PromptExamples.Recommendation,
            RankingScenario.Routing => PromptExamples.Routing,
            RankingScenario.Passage => PromptExamples.Passage,
            _ => PromptExamples.Generic,
        };
        var template = PromptTemplate.For(scenario);
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
        var choice = () => template.BuildDirect(PromptExamples.Passage, PromptMode.Choice);
        choice.Should().Throw<ArgumentException>();
    }
}
