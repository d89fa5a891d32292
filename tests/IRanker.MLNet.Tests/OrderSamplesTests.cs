using System.Text.Json;
using IRanker.MLNet.Persistence;
using IRanker.MLNet.Tests.Support;
using IRanker.Model;
using IRanker.Model.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.MLNet.Tests;

/// <summary>Order samples (<see cref="IRanker.Model.Elimination.RankerOptions.OrderSamples"/> in <see cref="IRankerOptions.Inference"/>) through ML.NET, with the real engine and a tiny model.</summary>
public sealed class OrderSamplesTests
{
    private static IRankerOptions Options(DecodingMode mode = DecodingMode.Choice) => Pipelines.TinyModel(seed: 6, mode);

    [Fact]
    public void A_model_with_several_orders_per_step_saves_and_scores_identically_in_a_new_process()
    {
        var mlContext = Pipelines.Context(out _);
        string tsv = PassageData.WriteTempTsv("iranker-orders-", PassageData.Rows(groups: 4, seed: 41));
        IDataView data = mlContext.Data.LoadFromTextFile<PassageRow>(tsv, hasHeader: true);
        using var model = Pipelines.Fit(mlContext, Options(), data);
        var ranker = Pipelines.Ranker(model);

        var steadier = ranker.WithOrderSamples(3);
        var chain = new TransformerChain<ITransformer>(model.First(), steadier);
        string[] expected = Pipelines.Column(chain.Transform(data), "Relevance");
        string[] single = Pipelines.Column(model.Transform(data), "Relevance");
        string zip = Path.Combine(Path.GetDirectoryName(tsv)!, "orders.zip");
        mlContext.Model.Save(chain, data.Schema, zip);

        var loaded = Pipelines.Ranker(new MLContext(seed: 1).Model.Load(zip, out _));
        loaded.Options.Inference.OrderSamples.Should().Be(3);
        loaded.InferenceOptions.OrderSamples.Should().Be(3);
        ranker.Options.Inference.OrderSamples.Should().Be(1, "the original keeps its setting");
        var reloaded = new TransformerChain<ITransformer>(model.First(), loaded);
        Pipelines.Column(reloaded.Transform(data), "Relevance").Should().Equal(expected);
        expected.Should().NotEqual(single, "three orders per step change the step distributions");
        (loaded as IDisposable).Dispose();
    }

    [Fact]
    public void Options_saved_before_the_setting_existed_load_with_one_order()
    {
        var options = JsonSerializer.Deserialize<IRankerOptions>("""{"Scenario":"Passage","Inference":{"TokenBudget":4096}}""", IRankerModelFormat.Json)!;

        options.Inference.OrderSamples.Should().Be(1);
    }

    [Fact]
    public void Bad_order_samples_are_named_errors_at_fit_and_on_a_trained_model()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 2, seed: 42));
        var options = Options(DecodingMode.Answer);
        options.Inference.OrderSamples = 2;
        FluentActions.Invoking(() => Pipelines.Pipeline(mlContext, options).Fit(data))
            .Should().Throw<ArgumentException>().WithMessage("*IRankerOptions.Inference.OrderSamples = 2*DecodingMode.Choice*IRankerOptions.DecodingMode is Answer*");

        options.Inference.OrderSamples = 1;
        using var answerModel = Pipelines.Fit(mlContext, options, data);
        FluentActions.Invoking(() => Pipelines.Ranker(answerModel).WithOrderSamples(4))
            .Should().Throw<ArgumentException>().WithMessage("*OrderSamples = 4*Answer*");

        using var choiceModel = Pipelines.Fit(mlContext, Options(), data);
        FluentActions.Invoking(() => Pipelines.Ranker(choiceModel).WithOrderSamples(0))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("IRankerOptions.Inference.OrderSamples").WithMessage("*1 or more*");
    }
}
