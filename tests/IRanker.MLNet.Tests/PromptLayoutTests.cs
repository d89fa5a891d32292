using IRanker.MLNet.Tests.Support;
using IRanker.Model;
using IRanker.Model.Prompts;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

/// <summary>The append-only prompt layout through ML.NET: trained in, kept with the model, refused with Reasoning mode.</summary>
public sealed class PromptLayoutTests
{
    private static IRankerOptions Options(PromptLayout? layout, DecodingMode mode = DecodingMode.Choice)
    {
        var options = Pipelines.TinyModel(seed: 6, mode, trainingSteps: 1);
        options.PromptLayout = layout;
        return options;
    }

    [Fact]
    public void A_model_trained_in_the_append_only_layout_keeps_it_and_scores_identically_in_a_new_process()
    {
        var mlContext = Pipelines.Context(out _);
        string tsv = PassageData.WriteTempTsv("iranker-layout-", PassageData.Rows(groups: 4, seed: 35));
        IDataView data = mlContext.Data.LoadFromTextFile<PassageRow>(tsv, hasHeader: true);
        using var model = Pipelines.Fit(mlContext, Options(PromptLayout.AppendOnly), data);
        Pipelines.Ranker(model).Model!.Layout.Should().Be(PromptLayout.AppendOnly);
        string[] expected = Pipelines.Column(model.Transform(data), "Score");
        string zip = Path.Combine(Path.GetDirectoryName(tsv)!, "append-only.zip");
        mlContext.Model.Save(model, data.Schema, zip);

        HelperProcess.Scores(zip, tsv).Should().Equal(expected);
        var loaded = Pipelines.Ranker(new MLContext(seed: 1).Model.Load(zip, out _));
        loaded.Model!.Layout.Should().Be(PromptLayout.AppendOnly, "the layout is saved with the model");
        (loaded as IDisposable).Dispose();
    }

    [Fact]
    public void Without_a_layout_a_model_from_scratch_is_append_only_except_in_reasoning_mode()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 2, seed: 36));
        var options = Options(null);
        options.TrainingSteps = 0;

        using var model = Pipelines.Fit(mlContext, options, data);

        Pipelines.Ranker(model).Model!.Layout.Should().Be(PromptLayout.AppendOnly);

        var reasoning = Options(null, DecodingMode.Reasoning);
        reasoning.TrainingSteps = 0;
        using var reasoner = Pipelines.Fit(mlContext, reasoning, data);
        Pipelines.Ranker(reasoner).Model!.Layout.Should().Be(PromptLayout.Rebuilt);
    }

    [Fact]
    public void The_append_only_layout_with_reasoning_mode_is_a_named_error_at_fit()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 2, seed: 37));

        FluentActions.Invoking(() => Pipelines.Pipeline(mlContext, Options(PromptLayout.AppendOnly, DecodingMode.Reasoning)).Fit(data))
            .Should().Throw<ArgumentException>().WithMessage("*IRankerOptions.PromptLayout*DecodingMode*AppendOnly*Reasoning*");
    }
}
