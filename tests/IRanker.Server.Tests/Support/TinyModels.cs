using IRanker.MLNet;
using IRanker.Model;
using IRanker.Model.Modeling;
using IRanker.Model.Training;
using Microsoft.ML;

namespace IRanker.Server.Tests.Support;

/// <summary>
/// Two tiny IRanker models, made once per test run: a model zip trained through ML.NET (a few warm-start steps of the
/// tiny shape, as the quickstart saves its model) and an untrained Hugging Face folder (<c>IRankerModel.Save</c>).
/// </summary>
public sealed class TinyModels : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("iranker-server-tests-").FullName;

    public TinyModels()
    {
        ModelZip = Path.Combine(_folder, "iranker-model.zip");
        var mlContext = new MLContext(seed: 0);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageRows.Rows(groups: 6));
        var options = new IRankerOptions
        {
            Scenario = RankingScenario.Passage,
            ScratchModelSize = ScratchModelSize.Tiny,
            WarmStartSteps = 3,
            TrainingSteps = 0,
            DecodingMode = DecodingMode.Choice,
            Device = "cpu",
            Seed = 5,
            Training = new TrainingOptions { WarmStartLearningRate = 1e-3, WarmStartBatchSize = 4 },
        };
        var model = mlContext.Transforms.Conversion.MapValueToKey("GroupId")
            .Append(mlContext.Ranking.Trainers.IRanker(options))
            .Fit(data);
        mlContext.Model.Save(model, data.Schema, ModelZip);
        (model as IDisposable)?.Dispose();

        ModelFolder = Path.Combine(_folder, "hf-model");
        Directory.CreateDirectory(ModelFolder);
        using var untrained = IRankerModel.CreateFromScratch(PassageRows.Queries(groups: 6), Qwen2Config.Tiny, seed: 7);
        untrained.Save(ModelFolder);
    }

    /// <summary>A model zip written by <c>mlContext.Model.Save</c>.</summary>
    public string ModelZip { get; }

    /// <summary>A Hugging Face model folder (config.json, model.safetensors, tokenizer, iranker.json).</summary>
    public string ModelFolder { get; }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Every test class that starts a server shares the models and runs one after another.</summary>
[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<TinyModels>
{
    public const string Name = "server";
}
