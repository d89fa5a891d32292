using IRanker.MLNet.Tests.Support;
using IRanker.Model;
using IRanker.Model.Prompts;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.MLNet.Tests;

/// <summary>
/// Transform and RankAsync refuse a candidate too long for the model with a named error, before any forward pass, and
/// rank a group too long for one prompt in windows.
/// </summary>
public sealed class LongInputTests
{
    private static readonly string LongText = string.Join(' ', Enumerable.Repeat("volcano history explained in detail by experts", 400));

    private static (MLContext MLContext, ITransformer Model) TinyModel()
    {
        var mlContext = new MLContext(seed: 0);
        var options = new IRankerOptions
        {
            Scenario = RankingScenario.Passage, ScratchModelSize = ScratchModelSize.Tiny, WarmStartSteps = 1, TrainingSteps = 0, Device = "cpu",
        };
        var data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 3, seed: 5));
        return (mlContext, Pipelines.Pipeline(mlContext, options, PassageData.Rows(groups: 3, seed: 5)).Fit(data));
    }

    [Fact]
    public void Transform_names_the_group_the_row_and_the_limit_for_a_candidate_too_long_alone()
    {
        var (mlContext, model) = TinyModel();
        var rows = PassageData.Rows(groups: 3, seed: 5);
        rows[7].Candidate = LongText;   // row 7 is in group q1

        var score = () => model.Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();

        var error = score.Should().Throw<PromptTooLongException>().Which;
        error.Message.Should().Match("Group 'q1', row 7 (column 'Candidate'): candidate 2 ('passage 3', a text of 18,799 characters) is too long to rank even alone: " +
            "the prompt with it as the only candidate has * tokens and its forward pass needs * positions, more than the model's max_position_embeddings of 2,048.*");
        error.CandidateId.Should().Be("passage 3");
        error.MaxPositions.Should().Be(2048);
    }

    [Fact]
    public async Task RankAsync_names_the_query_and_the_candidate()
    {
        var (_, model) = TinyModel();
        using var ranker = Pipelines.Ranker(model);
        var query = new RankingQuery("tell me about the volcano",
            [new("passage 1", "a short overview of the volcano"), new("passage 2", LongText)], RankingScenario.Passage, QueryId: "long");

        var rank = async () => await ranker.RankAsync(new[] { query }.ToAsyncEnumerable()).ToListAsync();

        var error = (await rank.Should().ThrowAsync<PromptTooLongException>()).Which;
        error.QueryId.Should().Be("long");
        error.CandidateIndex.Should().Be(1);
        error.Message.Should().StartWith("Query 0 (QueryId 'long'): candidate 1 ('passage 2'");
    }

    [Fact]
    public void Transform_ranks_a_group_too_long_for_one_prompt_in_windows_with_scores_and_relevance()
    {
        var (mlContext, model) = TinyModel();
        var templates = PassageData.Rows(groups: 1, seed: 5);
        var rows = Enumerable.Range(0, 300).Select(i => new PassageRow
        {
            Label = templates[i % 5].Label, GroupId = "q0", Query = templates[0].Query, Candidate = $"{templates[i % 5].Candidate} {i}",
        }).Concat(PassageData.Rows(groups: 3, seed: 5).Where(r => r.GroupId != "q0")).ToArray();   // the groups the model's key map knows

        var scored = model.Transform(mlContext.Data.LoadFromEnumerable(rows));
        var scores = scored.GetColumn<float>("Score").ToArray();
        var relevance = scored.GetColumn<float>("Relevance").ToArray();

        scores.Take(300).Should().BeEquivalentTo(Enumerable.Range(1, 300).Select(i => (float)i), "the long group gets a full ranking");
        relevance.Take(300).Sum().Should().BeApproximately(1f, 1e-3f);
        var byScore = Enumerable.Range(0, 300).OrderByDescending(i => scores[i]).Select(i => relevance[i]).ToArray();
        byScore.Should().BeInDescendingOrder("relevance never contradicts the score");
        scores.Skip(300).Should().BeEquivalentTo(new float[] { 1, 2, 3, 4, 5, 1, 2, 3, 4, 5 });
    }
}
