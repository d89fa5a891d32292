using IRanker.MLNet.Tests.Support;
using IRanker.Model;
using IRanker.Model.Elimination;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.MLNet.Tests;

/// <summary>The elimination schedule and the relevance column through ML.NET, with the real engine and a tiny model.</summary>
public sealed class ScheduleAndRelevanceTests
{
    private static IRankerOptions Options(DecodingMode mode = DecodingMode.Choice) => Pipelines.TinyModel(seed: 5, mode);

    [Fact]
    public void The_relevance_column_sums_to_one_per_group_and_never_contradicts_the_score()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 5, seed: 31));
        using var model = Pipelines.Fit(mlContext, Options(), data);

        var scored = model.Transform(data);
        var rows = PassageData.Rows(groups: 5, seed: 31).ToArray();   // the same rows, in the same order
        var score = scored.GetColumn<float>("Score").ToArray();
        var relevance = scored.GetColumn<float>("Relevance").ToArray();

        foreach (var group in rows.Select((r, i) => (r.GroupId, i)).GroupBy(x => x.GroupId, x => x.i))
        {
            var members = group.ToArray();
            members.Sum(i => relevance[i]).Should().BeApproximately(1f, 1e-4f);
            foreach (int a in members)
                foreach (int b in members)
                    if (score[a] > score[b]) relevance[a].Should().BeGreaterThanOrEqualTo(relevance[b]);
        }
        relevance.Should().HaveCount(rows.Length).And.OnlyContain(r => r >= 0 && r <= 1);
    }

    [Fact]
    public void A_null_relevance_column_name_leaves_the_column_out()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 2, seed: 32));
        var options = Options();
        options.RelevanceColumnName = null;
        using var model = Pipelines.Fit(mlContext, options, data);

        model.Transform(data).Schema.Select(c => c.Name).Should().Contain("Score").And.NotContain("Relevance");
    }

    [Fact]
    public void A_model_with_another_schedule_saves_and_scores_identically_in_a_new_process()
    {
        var mlContext = Pipelines.Context(out _);
        string tsv = PassageData.WriteTempTsv("iranker-schedule-", PassageData.Rows(groups: 4, seed: 33));
        IDataView data = mlContext.Data.LoadFromTextFile<PassageRow>(tsv, hasHeader: true);
        using var model = Pipelines.Fit(mlContext, Options(), data);
        var ranker = Pipelines.Ranker(model);

        var fast = ranker.WithSchedule(EliminationSchedule.OnePass);
        var chain = new TransformerChain<ITransformer>(model.First(), fast);
        string[] expected = Pipelines.Column(chain.Transform(data), "Score");
        string zip = Path.Combine(Path.GetDirectoryName(tsv)!, "fast.zip");
        mlContext.Model.Save(chain, data.Schema, zip);

        HelperProcess.Scores(zip, tsv).Should().Equal(expected);
        var loaded = Pipelines.Ranker(new MLContext(seed: 1).Model.Load(zip, out _));
        loaded.Options.Inference.Schedule.Should().Be(EliminationSchedule.OnePass);
        ranker.Options.Inference.Schedule.Should().Be(EliminationSchedule.OnePerStep, "the original keeps its schedule");
        (loaded as IDisposable).Dispose();
    }

    [Fact]
    public void A_schedule_that_needs_choice_mode_is_a_named_error_at_fit_and_on_a_trained_model()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 2, seed: 34));
        var options = Options(DecodingMode.Answer);
        options.Inference.Schedule = EliminationSchedule.Fraction(0.5, exactTop: 2);

        FluentActions.Invoking(() => Pipelines.Pipeline(mlContext, options).Fit(data))
            .Should().Throw<ArgumentException>().WithMessage("*Schedule*DecodingMode*Fraction*Answer*");

        options.Inference.Schedule = EliminationSchedule.OnePerStep;
        using var model = Pipelines.Fit(mlContext, options, data);
        FluentActions.Invoking(() => Pipelines.Ranker(model).WithSchedule(EliminationSchedule.OnePass))
            .Should().Throw<ArgumentException>().WithMessage("*OnePass*Answer*");
    }
}
