using IRanker.MLNet.Tests.Engine;
using IRanker.MLNet.Tests.Support;
using IRanker.Model;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

public sealed class PersistenceTests
{
    [Fact]
    public void A_saved_model_loaded_in_a_new_process_scores_a_TSV_bit_identically()
    {
        var mlContext = Pipelines.Context(out _);
        string tsv = PassageData.WriteTempTsv("iranker-zip-", PassageData.Rows(groups: 8, seed: 11));
        IDataView data = mlContext.Data.LoadFromTextFile<PassageRow>(tsv, hasHeader: true);
        var model = Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(data);
        string[] expected = Pipelines.Column(model.Transform(data), "Score");
        string zip = Path.Combine(Path.GetDirectoryName(tsv)!, "model.zip");
        mlContext.Model.Save(model, data.Schema, zip);

        HelperProcess.Scores(zip, tsv).Should().Equal(expected);
        expected.Distinct().Should().HaveCount(5, "every group has five distinct ranks");
    }

    [Fact]
    public void A_loaded_model_carries_the_learned_weights_and_the_options()
    {
        var mlContext = Pipelines.Context(out _);
        var rows = PassageData.Rows(groups: 6, seed: 12);
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);
        var options = Pipelines.Options();
        options.Task = "geography";
        var model = Pipelines.Pipeline(mlContext, options).Fit(data);
        using var stream = new MemoryStream();
        mlContext.Model.Save(model, data.Schema, stream);
        stream.Position = 0;

        ITransformer loaded = new MLContext(seed: 1).Model.Load(stream, out DataViewSchema inputSchema);

        var original = Pipelines.Ranker(model);
        var copy = Pipelines.Ranker(loaded);
        Weights(copy).Should().Equal(Weights(original)).And.NotBeEmpty();
        copy.Options.Task.Should().Be("geography");
        copy.Options.TrainingSteps.Should().Be(options.TrainingSteps);
        copy.Options.Scenario.Should().Be(options.Scenario);
        inputSchema.Select(c => c.Name).Should().Contain(["Label", "GroupId", "Query", "Candidate"]);
        loaded.Transform(data).GetColumn<float>("Score").Should().Equal(model.Transform(data).GetColumn<float>("Score"));
    }

    [Fact]
    public void The_zip_carries_every_file_of_the_engine_folder()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 3, seed: 13));
        var model = Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(data);
        string zip = Path.Combine(Directory.CreateTempSubdirectory("iranker-zip-").FullName, "model.zip");
        mlContext.Model.Save(model, data.Schema, zip);

        using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
        var entries = archive.Entries.Select(e => e.FullName).ToArray();
        entries.Should().Contain(e => e.EndsWith("/EngineFile0", StringComparison.Ordinal));
        entries.Should().NotContain(e => e.EndsWith("/EngineFile1", StringComparison.Ordinal), "the lexical engine writes one file");
    }

    [Fact]
    public void Loading_a_model_whose_engine_is_not_available_names_the_engine()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 2, seed: 14));
        var model = Pipelines.Pipeline(mlContext, Pipelines.Options(engine: new UnregisteredEngine())).Fit(data);
        using var stream = new MemoryStream();
        mlContext.Model.Save(model, data.Schema, stream);
        stream.Position = 0;

        var load = () => mlContext.Model.Load(stream, out _);

        load.Should().Throw<Exception>().Where(e => Flatten(e).Contains("ranking engine 'unregistered-lexical'"));
    }

    private sealed class UnregisteredEngine : IRanker.MLNet.Engine.IRankingEngineFactory
    {
        public string Name => "unregistered-lexical";
        public IRanker.MLNet.Engine.IRankingEngine Train(IReadOnlyList<IRanker.Model.RankingQuery> train, IRankerOptions options, IProgress<string> progress, CancellationToken ct) =>
            LexicalRankingEngineFactory.Instance.Train(train, options, progress, ct);
        public IRanker.MLNet.Engine.IRankingEngine Load(string folder, IRankerOptions options) => LexicalRankingEngineFactory.Instance.Load(folder, options);
    }

    private static string Flatten(Exception e) => e.InnerException is null ? e.Message : e.Message + " | " + Flatten(e.InnerException);

    private static IReadOnlyDictionary<string, float> Weights(IRankerTransformer transformer) =>
        ((LexicalRankingEngine)typeof(IRankerTransformer)
            .GetField("_engine", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
            .GetValue(transformer)!).Weights;

    // Runs this test assembly as a program (Program.cs) in a new process.
}
