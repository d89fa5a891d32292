using IRanker.Model.Answers;
using IRanker.Model.Elimination;
using IRanker.Model.Training;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Answers;

public class CandidateIdValidationTests
{
    private static RankingQuery WithIds(string queryId, params string[] ids) =>
        new("paint for a kitchen", ids.Select((id, i) => new RankingCandidate(id, $"a {Colours[i]} paint for the wall", i)).ToArray(), QueryId: queryId);

    [Fact]
    public void IterativeRanker_rejects_an_empty_ID_naming_the_query_and_the_candidate()
    {
        using var model = Random();
        var rank = () => new IterativeRanker(model).Rank([ColourQuery("fine", 0, 1), WithIds("kitchen", "red", "  ", "blue")]);
        rank.Should().Throw<ArgumentException>()
            .WithMessage("Query 1 (QueryId 'kitchen') in queries: candidate 1 has the empty candidate ID '  '.*");
    }

    [Fact]
    public void IterativeRanker_rejects_a_repeated_ID_naming_both_candidates()
    {
        using var model = Random();
        var rank = () => new IterativeRanker(model).Rank([WithIds("kitchen", "red", "blue", " red")]);
        rank.Should().Throw<ArgumentException>()
            .WithMessage("Query 0 (QueryId 'kitchen') in queries: candidate 0 and candidate 2 have the same candidate ID 'red'.*");
    }

    [Fact]
    public void DirectRanker_applies_the_same_rule()
    {
        using var model = Random();
        var rank = () => new DirectRanker(model).Rank([WithIds("kitchen", "red", "red")]);
        rank.Should().Throw<ArgumentException>().WithMessage("*candidate 0 and candidate 1 have the same candidate ID 'red'*");
    }

    [Fact]
    public void Training_rejects_an_empty_ID_before_any_step()
    {
        using var model = Random();
        var trainer = new EliminationTrainer(model.Model, model.Tokenizer,
            (q, remaining) => model.TemplateFor(q).BuildStep(q, remaining, DecodingMode.Choice).Text,
            new TrainingOptions { WarmStartSteps = 1, Steps = 1 });
        var train = () => trainer.Train([WithIds("a", "red", "blue"), WithIds("b", "red", "")]);
        train.Should().Throw<ArgumentException>().WithMessage("Query 1 (QueryId 'b') in train: candidate 1 has the empty candidate ID ''.*");
    }

    [Fact]
    public void The_rule_finds_the_first_problem_in_list_order()
    {
        CandidateIdValidation.FindProblem(["a", "b", "c"]).Should().BeNull();
        CandidateIdValidation.FindProblem(["a", "b", "a", ""]).Should().Be(new CandidateIdProblem(2, 0, "a"));
        CandidateIdValidation.FindProblem(["a", null, "a"]).Should().Be(new CandidateIdProblem(1, null, ""));
        CandidateIdValidation.FindProblem(["A", "a"]).Should().BeNull("IDs are compared as written (ordinal), apart from trimming");
    }
}
