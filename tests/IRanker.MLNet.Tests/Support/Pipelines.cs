using System.Collections.Concurrent;
using IRanker.MLNet.Tests.Engine;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Training;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.MLNet.Tests.Support;

/// <summary>Shared set-up: an MLContext whose log is captured, and options that train the lexical engine.</summary>
internal static class Pipelines
{
    public static MLContext Context(out ConcurrentQueue<string> log)
    {
        var mlContext = new MLContext(seed: 0);
        var messages = new ConcurrentQueue<string>();
        mlContext.Log += (_, e) => messages.Enqueue(e.Message);
        log = messages;
        return mlContext;
    }

    public static IRankerOptions Options(int trainingSteps = 2000, IRanker.MLNet.Engine.IRankingEngineFactory? engine = null) => new()
    {
        Scenario = RankingScenario.Passage,
        TrainingSteps = trainingSteps,
        Training = new IRanker.Model.Training.TrainingOptions { LearningRate = 0.25 },
        EngineFactory = engine ?? LexicalRankingEngineFactory.Instance,
    };

    /// <summary>Options that train the real engine's tiny model on passages in a few steps (warm start only unless <paramref name="trainingSteps"/>).</summary>
    public static IRankerOptions TinyModel(int seed, DecodingMode mode = DecodingMode.Choice, int trainingSteps = 0) => new()
    {
        Scenario = RankingScenario.Passage,
        ScratchModelSize = ScratchModelSize.Tiny,
        WarmStartSteps = 4,
        TrainingSteps = trainingSteps,
        DecodingMode = mode,
        Device = "cpu",
        Seed = seed,
        Training = new IRanker.Model.Training.TrainingOptions
        {
            WarmStartLearningRate = 1e-3, WarmStartBatchSize = 4, MicroBatchSize = 4, PromptsPerStep = 2, GroupSize = 2,
        },
        Inference = new RankerOptions { MaxAnswerTokens = 4 },
    };

    /// <summary>MapValueToKey + IRanker; <paramref name="groupsOf"/> holds every group the model will see (train and test),
    /// since MapValueToKey maps groups it was not fitted on to missing.</summary>
    public static IEstimator<ITransformer> Pipeline(MLContext mlContext, IRankerOptions options, IEnumerable<PassageRow>? groupsOf = null) =>
        mlContext.Transforms.Conversion.MapValueToKey("GroupId",
                keyData: groupsOf is null ? null : mlContext.Data.LoadFromEnumerable(groupsOf.Select(r => new GroupKey { GroupId = r.GroupId })))
            .Append(mlContext.Ranking.Trainers.IRanker(options));

    /// <summary><see cref="Pipeline"/> fitted on <paramref name="data"/>: the chain of MapValueToKey and the IRanker transformer.</summary>
    public static TransformerChain<IRankerTransformer> Fit(MLContext mlContext, IRankerOptions options, IDataView data) =>
        (TransformerChain<IRankerTransformer>)Pipeline(mlContext, options).Fit(data);

    /// <summary>A float column of <paramref name="scored"/> in round-trip format, to compare bit for bit.</summary>
    public static string[] Column(IDataView scored, string name) =>
        scored.GetColumn<float>(name).Select(s => s.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static IRankerTransformer Ranker(ITransformer model) =>
        ((IEnumerable<ITransformer>)model).OfType<IRankerTransformer>().Single();

    private sealed class GroupKey
    {
        public string GroupId { get; set; } = "";
    }
}
