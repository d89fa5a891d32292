using IRanker.MLNet.Tests.Support;
using IRanker.Model;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

/// <summary><see cref="IRankerOptions.ChoiceScoring"/> through ML.NET: trained with, kept with the model, checked.</summary>
public sealed class ChoiceScoringTests
{
    private static IRankerOptions Options(ChoiceScoring? scoring)
    {
        var options = Pipelines.TinyModel(seed: 8, DecodingMode.Choice, trainingSteps: 1);
        options.ChoiceScoring = scoring;
        return options;
    }

    [Fact]
    public void A_model_trained_with_unique_prefixes_keeps_them_and_scores_identically_after_reload()
    {
        var mlContext = Pipelines.Context(out _);
        string tsv = PassageData.WriteTempTsv("iranker-choice-", PassageData.Rows(groups: 4, seed: 38));
        IDataView data = mlContext.Data.LoadFromTextFile<PassageRow>(tsv, hasHeader: true);
        using var model = Pipelines.Fit(mlContext, Options(ChoiceScoring.UniquePrefix), data);
        Pipelines.Ranker(model).Model!.ChoiceScoring.Should().Be(ChoiceScoring.UniquePrefix);
        string[] expected = Pipelines.Column(model.Transform(data), "Score");
        string zip = Path.Combine(Path.GetDirectoryName(tsv)!, "unique-prefix.zip");
        mlContext.Model.Save(model, data.Schema, zip);

        var loadedModel = new MLContext(seed: 1).Model.Load(zip, out _);
        var loaded = Pipelines.Ranker(loadedModel);
        loaded.Model!.ChoiceScoring.Should().Be(ChoiceScoring.UniquePrefix, "the scoring is saved with the model");
        Pipelines.Column(loadedModel.Transform(data), "Score").Should().Equal(expected);
        (loaded as IDisposable).Dispose();
    }

    [Fact]
    public void Without_a_scoring_a_model_from_scratch_scores_full_sequences()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 2, seed: 39));
        var options = Options(null);
        options.TrainingSteps = 0;

        using var model = Pipelines.Fit(mlContext, options, data);

        Pipelines.Ranker(model).Model!.ChoiceScoring.Should().Be(ChoiceScoring.FullSequence);
    }

    [Fact]
    public void An_undefined_scoring_is_a_named_error_at_fit()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 2, seed: 40));

        FluentActions.Invoking(() => Pipelines.Pipeline(mlContext, Options((ChoiceScoring)7)).Fit(data))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*IRankerOptions.ChoiceScoring*FullSequence or UniquePrefix*");
    }
}
