using IRanker.MLNet.Tests.Engine;
using IRanker.MLNet.Tests.Support;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

public sealed class PipelineTests
{
    [Fact]
    public void Fitting_on_LoadFromEnumerable_learns_to_rank_unseen_queries_and_Evaluate_reports_NDCG()
    {
        var mlContext = Pipelines.Context(out _);
        var trainRows = PassageData.Rows(groups: 10, seed: 1);
        var testRows = PassageData.Rows(groups: 10, seed: 2, firstTopic: 10);
        IDataView train = mlContext.Data.LoadFromEnumerable(trainRows);
        IDataView test = mlContext.Data.LoadFromEnumerable(testRows);

        var trained = Pipelines.Pipeline(mlContext, Pipelines.Options(), trainRows.Concat(testRows)).Fit(train);
        var untrained = Pipelines.Pipeline(mlContext, Pipelines.Options(trainingSteps: 0), trainRows.Concat(testRows)).Fit(train);

        var trainedNdcg = mlContext.Ranking.Evaluate(trained.Transform(test)).NormalizedDiscountedCumulativeGains;
        var untrainedNdcg = mlContext.Ranking.Evaluate(untrained.Transform(test)).NormalizedDiscountedCumulativeGains;
        trainedNdcg[2].Should().BeGreaterThan(0.99, "the learned word weights order every candidate of the unseen topics");
        untrainedNdcg[2].Should().BeLessThan(0.9, "word overlap alone cannot tell the three on-topic candidates apart");
    }

    [Fact]
    public void Fitting_on_a_TSV_file_read_by_LoadFromTextFile_gives_the_same_scores_as_the_same_rows_in_memory()
    {
        var mlContext = Pipelines.Context(out _);
        var rows = PassageData.Rows(groups: 8, seed: 3);
        string tsv = Path.Combine(Directory.CreateTempSubdirectory("iranker-tsv-").FullName, "train.tsv");
        PassageData.WriteTsv(tsv, rows);

        IDataView fromFile = mlContext.Data.LoadFromTextFile<PassageRow>(tsv, hasHeader: true);
        IDataView inMemory = mlContext.Data.LoadFromEnumerable(rows);
        var fileModel = Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(fromFile);
        var memoryModel = Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(inMemory);

        float[] fileScores = fileModel.Transform(fromFile).GetColumn<float>("Score").ToArray();
        fileScores.Should().HaveCount(rows.Length).And.Equal(memoryModel.Transform(inMemory).GetColumn<float>("Score"));
        mlContext.Ranking.Evaluate(fileModel.Transform(fromFile)).NormalizedDiscountedCumulativeGains[2].Should().BeGreaterThan(0.99);
    }

    [Fact]
    public void Transform_keeps_every_input_column_and_the_input_row_order_and_gives_the_survivor_the_highest_score()
    {
        var mlContext = Pipelines.Context(out _);
        var rows = PassageData.Rows(groups: 3, seed: 4);
        var model = Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(mlContext.Data.LoadFromEnumerable(rows));

        IDataView scored = model.Transform(mlContext.Data.LoadFromEnumerable(rows));

        scored.Schema.Where(c => !c.IsHidden).Select(c => c.Name).Should().Equal("Label", "GroupId", "Query", "Candidate", "Score", "Relevance");
        scored.GetColumn<string>("Candidate").Should().Equal(rows.Select(r => r.Candidate));
        float[] scores = scored.GetColumn<float>("Score").ToArray();
        for (int g = 0; g < 3; g++)
        {
            var group = rows.Select((r, i) => (r, s: scores[i])).Where(x => x.r.GroupId == rows[g * 5].GroupId).ToArray();
            group.Select(x => x.s).Should().BeEquivalentTo(new float[] { 1, 2, 3, 4, 5 }, "N - rank for N = 5 candidates");
            group.MaxBy(x => x.s).r.Label.Should().Be(4, "the most relevant candidate survives the elimination");
        }
    }

    [Fact]
    public void Groups_need_not_be_contiguous_one_candidate_groups_need_no_model_call_and_duplicates_are_allowed()
    {
        var mlContext = Pipelines.Context(out _);
        var train = PassageData.Rows(groups: 6, seed: 5);
        var transformer = Pipelines.Ranker(Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(mlContext.Data.LoadFromEnumerable(train)));
        PassageRow Row(string group, string candidate) => new() { GroupId = group, Query = $"tell me about the {group}", Candidate = candidate };
        PassageRow[] rows =
        [
            Row("comet", "comet history explained in detail by experts"),
            Row("reef", "reef tours advertisement buy now"),
            Row("comet", "comet tours advertisement buy now"),
            Row("lonely", "the only candidate"),
            Row("reef", "reef history explained in detail by experts"),
            Row("comet", "comet tours advertisement buy now"),
        ];

        IDataView data = mlContext.Transforms.Conversion.MapValueToKey("GroupId").Fit(mlContext.Data.LoadFromEnumerable(rows))
            .Transform(mlContext.Data.LoadFromEnumerable(rows));
        float[] scores = transformer.Transform(data).GetColumn<float>("Score").ToArray();

        scores[0].Should().Be(3, "the relevant comet passage survives its group of three");
        new[] { scores[2], scores[5] }.Should().BeEquivalentTo(new float[] { 1, 2 }, "the duplicated passages share the two lower ranks");
        scores[4].Should().Be(2);
        scores[1].Should().Be(1);
        scores[3].Should().Be(1, "a group of one is ranked without the model");
    }

    [Fact]
    public void Transform_is_lazy_and_ranks_each_group_once_for_all_cursors()
    {
        var mlContext = Pipelines.Context(out _);
        var rows = PassageData.Rows(groups: 4, seed: 6);
        var model = Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(mlContext.Data.LoadFromEnumerable(rows));
        var engine = (LexicalRankingEngine)typeof(IRankerTransformer)
            .GetField("_engine", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(Pipelines.Ranker(model))!;
        int callsBefore = engine.RankCalls;

        IDataView scored = model.Transform(mlContext.Data.LoadFromEnumerable(rows));
        scored.GetColumn<string>("Candidate").Should().HaveCount(rows.Length);
        engine.RankCalls.Should().Be(callsBefore, "reading other columns ranks nothing");

        float[] first = scored.GetColumn<float>("Score").ToArray();
        float[] second = scored.GetColumn<float>("Score").ToArray();
        engine.RankCalls.Should().Be(callsBefore + 1, "the four groups are ranked in one engine call, once");
        second.Should().Equal(first);
    }

    [Fact]
    public void Fit_reports_progress_in_the_MLContext_log()
    {
        var mlContext = Pipelines.Context(out var log);
        Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 5, seed: 7)));

        log.Should().Contain(m => m.Contains("25 rows in 5 groups"));
        log.Should().Contain(m => m.Contains("lexical training: step 2000/2000"));
    }
}
