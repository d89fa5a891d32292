using IRanker.MLNet.Tests.Support;
using IRanker.Model;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

/// <summary>Every path checks that candidate IDs are non-empty and unique within their list (after trimming).</summary>
public sealed class CandidateIdTests
{
    private sealed class IdRow
    {
        public float Label { get; set; }
        public string GroupId { get; set; } = "";
        public string Query { get; set; } = "";
        public string Candidate { get; set; } = "";
        public string Id { get; set; } = "";
    }

    private static IdRow[] Rows() =>
    [
        new() { Label = 4, GroupId = "g1", Query = "volcano", Candidate = "volcano history", Id = "a" },
        new() { Label = 0, GroupId = "g1", Query = "volcano", Candidate = "bananas", Id = "b" },
        new() { Label = 4, GroupId = "g2", Query = "reef", Candidate = "reef history", Id = "a" },
        new() { Label = 0, GroupId = "g2", Query = "reef", Candidate = "cheap souvenirs", Id = "b" },
    ];

    private static IEstimator<ITransformer> Pipeline(MLContext mlContext, RankingScenario scenario, bool idColumn)
    {
        var options = Pipelines.Options(trainingSteps: 10);
        options.Scenario = scenario;
        if (idColumn) options.CandidateIdColumnName = "Id";
        return mlContext.Transforms.Conversion.MapValueToKey("GroupId").Append(mlContext.Ranking.Trainers.IRanker(options));
    }

    [Fact]
    public void Fit_rejects_an_empty_ID_naming_the_group_the_row_and_the_column()
    {
        var mlContext = new MLContext(seed: 0);
        var rows = Rows();
        rows[3].Id = "   ";
        var fit = () => Pipeline(mlContext, RankingScenario.Passage, idColumn: true).Fit(mlContext.Data.LoadFromEnumerable(rows));
        fit.Should().Throw<InvalidOperationException>().WithMessage("Group 'g2', row 3, has an empty value in candidate ID column 'Id'.*");
    }

    [Fact]
    public void Transform_rejects_an_empty_ID_and_IDs_equal_after_trimming()
    {
        var mlContext = new MLContext(seed: 0);
        var model = Pipeline(mlContext, RankingScenario.Passage, idColumn: true).Fit(mlContext.Data.LoadFromEnumerable(Rows()));

        var empty = Rows();
        empty[0].Id = "";
        var scoreEmpty = () => model.Transform(mlContext.Data.LoadFromEnumerable(empty)).GetColumn<float>("Score").ToArray();
        scoreEmpty.Should().Throw<InvalidOperationException>().WithMessage("Group 'g1', row 0, has an empty value in candidate ID column 'Id'.*");

        var repeated = Rows();
        repeated[1].Id = " a ";
        var scoreRepeated = () => model.Transform(mlContext.Data.LoadFromEnumerable(repeated)).GetColumn<float>("Score").ToArray();
        scoreRepeated.Should().Throw<InvalidOperationException>().WithMessage("Group 'g1' has the candidate ID 'a' twice in column 'Id' (rows 0 and 1)*");
    }

    [Theory]
    [InlineData(RankingScenario.Recommendation)]
    [InlineData(RankingScenario.Routing)]
    public void An_empty_candidate_text_is_an_error_where_the_text_is_the_ID(RankingScenario scenario)
    {
        var mlContext = new MLContext(seed: 0);
        var rows = Rows();
        rows[2].Candidate = " ";
        var fit = () => Pipeline(mlContext, scenario, idColumn: false).Fit(mlContext.Data.LoadFromEnumerable(rows));
        fit.Should().Throw<InvalidOperationException>()
            .WithMessage($"Group 'g2', row 2, has an empty text in candidate column 'Candidate'. In the {scenario} scenario the candidate's text is the ID*");
    }

    [Fact]
    public void Candidate_texts_equal_after_trimming_get_distinct_IDs_where_the_text_is_the_ID()
    {
        var mlContext = new MLContext(seed: 0);
        var rows = Rows();
        rows[1].Candidate = " volcano history ";   // the same title as row 0 once trimmed: IDs 'volcano history' and 'volcano history #2'
        var model = Pipeline(mlContext, RankingScenario.Recommendation, idColumn: false).Fit(mlContext.Data.LoadFromEnumerable(rows));
        var scores = model.Transform(mlContext.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
        scores.Should().HaveCount(4);
        new[] { scores[0], scores[1] }.Should().BeEquivalentTo(new[] { 1f, 2f });
    }

    private static async IAsyncEnumerable<RankingQuery> Stream(params RankingQuery[] queries)
    {
        foreach (var query in queries)
        {
            await Task.Yield();
            yield return query;
        }
    }

    private static RankingQuery Query(string id, params string[] ids) =>
        new("tell me about the reef", ids.Select((c, i) => new RankingCandidate(c, $"reef text {i}")).ToArray(), RankingScenario.Passage, QueryId: id);

    [Fact]
    public async Task RankAsync_rejects_repeated_IDs_after_yielding_the_earlier_results()
    {
        var mlContext = new MLContext(seed: 0);
        using var ranker = Pipelines.Ranker(Pipeline(mlContext, RankingScenario.Passage, idColumn: true).Fit(mlContext.Data.LoadFromEnumerable(Rows())));
        var seen = new List<string?>();
        var rank = async () =>
        {
            await foreach (var result in ranker.RankAsync(Stream(Query("first", "a", "b"), Query("second", "a", "b", "a")), maxBatchSize: 1))
                seen.Add(result.Query.QueryId);
        };
        await rank.Should().ThrowAsync<ArgumentException>()
            .WithMessage("Query 1 (QueryId 'second') in queries: candidate 0 and candidate 2 have the same candidate ID 'a'.*");
        seen.Should().Equal("first");
    }

    [Fact]
    public async Task RankAsync_rejects_an_empty_ID_even_in_a_list_of_one()
    {
        var mlContext = new MLContext(seed: 0);
        using var ranker = Pipelines.Ranker(Pipeline(mlContext, RankingScenario.Passage, idColumn: true).Fit(mlContext.Data.LoadFromEnumerable(Rows())));
        var rank = async () => await ranker.RankAsync(Stream(Query("lonely", ""))).ToListAsync();
        await rank.Should().ThrowAsync<ArgumentException>().WithMessage("Query 0 (QueryId 'lonely') in queries: candidate 0 has the empty candidate ID ''.*");
    }

    [Fact]
    public void Fit_on_no_rows_says_there_are_no_rows()
    {
        var mlContext = new MLContext(seed: 0);
        var fit = () => Pipeline(mlContext, RankingScenario.Passage, idColumn: false).Fit(mlContext.Data.LoadFromEnumerable(Array.Empty<IdRow>()));
        fit.Should().Throw<InvalidOperationException>().WithMessage("IRanker needs at least one group with two or more candidates to learn from, but the training data has no rows.*");
    }
}
