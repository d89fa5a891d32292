using System.Collections.Concurrent;
using System.Globalization;
using IRanker.MLNet.Tests.Support;
using IRanker.Model;
using IRanker.Model.Training;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

/// <summary>
/// The real IRanker engine (compact tokenizer + tiny Qwen2 trained from scratch) behind
/// <c>mlContext.Ranking.Trainers.IRanker()</c>: fit, transform, evaluate, save, load in another process.
/// </summary>
public sealed class ModelRankingEngineEndToEndTests
{
    private static IRankerOptions TinyModelOptions(IProgress<TrainingStepMetrics>? progress = null) => new()
    {
        Scenario = RankingScenario.Passage,
        ScratchModelSize = ScratchModelSize.Tiny,
        WarmStartSteps = 12,
        TrainingSteps = 2,
        DecodingMode = DecodingMode.Choice,
        Device = "cpu",
        Seed = 3,
        Training = new TrainingOptions
        {
            LearningRate = 3e-4, WarmStartLearningRate = 1e-3, WarmStartBatchSize = 8,
            PromptsPerStep = 4, MicroBatchSize = 4, GroupSize = 4, KlCoefficient = 0,
        },
        TrainingProgress = progress,
    };

    [Fact]
    public void Fitting_on_a_TSV_then_scoring_in_a_new_process_gives_identical_scores()
    {
        var mlContext = Pipelines.Context(out ConcurrentQueue<string> log);
        string folder = Directory.CreateTempSubdirectory("iranker-e2e-").FullName;
        string tsv = Path.Combine(folder, "data.tsv");
        PassageData.WriteTsv(tsv, PassageData.Rows(groups: 6, seed: 21));
        IDataView data = mlContext.Data.LoadFromTextFile<PassageRow>(tsv, hasHeader: true);
        var steps = new List<TrainingStepMetrics>();

        var model = Pipelines.Pipeline(mlContext, TinyModelOptions(new SynchronousProgress(steps.Add))).Fit(data);
        var scored = model.Transform(data);
        float[] scores = scored.GetColumn<float>("Score").ToArray();

        steps.Should().Contain(s => s.Phase == TrainingPhase.WarmStart && s.Step == 12)
            .And.Contain(s => s.Phase == TrainingPhase.Reinforcement && s.Step == 2);
        log.Should().Contain(m => m.Contains("WarmStart step 12/12", StringComparison.Ordinal), "progress reaches mlContext.Log");
        log.Should().Contain(m => m.Contains("Compact prompts", StringComparison.Ordinal), "a model trained from scratch uses the compact prompt style by default");
        foreach (var group in scores.Chunk(5))
            group.Order().Should().Equal([1f, 2f, 3f, 4f, 5f], "each group of five gets the ranks 5..1, the survivor highest");
        var metrics = mlContext.Ranking.Evaluate(scored);
        metrics.NormalizedDiscountedCumulativeGains.Should().OnlyContain(v => v > 0 && v <= 1);

        string zip = Path.Combine(folder, "model.zip");
        mlContext.Model.Save(model, data.Schema, zip);
        using (var archive = System.IO.Compression.ZipFile.OpenRead(zip))
            archive.Entries.Select(e => Path.GetFileName(e.FullName)).Should().Contain(e => e.StartsWith("EngineFile", StringComparison.Ordinal))
                .And.HaveCountGreaterThan(3, "config, weights, tokenizer and settings travel inside the zip");
        var (exitCode, output, errors) = HelperProcess.Run("score", zip, tsv);

        exitCode.Should().Be(0, errors);
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Should().Equal(scores.Select(s => s.ToString("R", CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Packed_eliminations_train_through_the_ml_net_options_from_the_scratch_recipe()
    {
        var mlContext = Pipelines.Context(out _);
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 6, seed: 23).ToList());
        var training = IRankerOptions.ScratchTrainingDefaults();
        training.Should().BeEquivalentTo(IRanker.MLNet.Engine.ResolvedOptions.Resolve(new IRankerOptions(), scratch: true).Training,
            o => o.Excluding(t => t.WarmStartSteps).Excluding(t => t.Steps).Excluding(t => t.Seed), "the defaults handed out are the recipe Fit uses");
        IRankerOptions.ScratchTrainingDefaults().Should().NotBeSameAs(IRankerOptions.ScratchTrainingDefaults(), "each call is a fresh copy");
        training.PackEliminations = true;
        training.WarmStartBatchSize = 4;
        training.PromptsPerStep = 2;
        training.GroupSize = 4;
        var steps = new List<TrainingStepMetrics>();
        var options = TinyModelOptions(new SynchronousProgress(steps.Add));
        options.Training = training;

        var model = Pipelines.Pipeline(mlContext, options).Fit(data);

        steps.Should().HaveCount(14);
        steps.Where(s => s.Phase == TrainingPhase.WarmStart).Should().OnlyContain(s => s.EliminationSteps >= 4 && double.IsFinite(s.Loss));
        steps.Should().Contain(s => s.EliminationSteps > 4, "a batch of four lists eliminated to the end trains more than four steps");
        model.Transform(data).GetColumn<float>("Score").Should().HaveCount(30);
    }

    [Fact]
    public void Fitting_on_enumerable_rows_ranks_every_group_including_single_candidate_ones()
    {
        var mlContext = Pipelines.Context(out _);
        var rows = PassageData.Rows(groups: 4, seed: 22).ToList();
        rows.Add(new PassageRow { GroupId = "lonely", Query = "tell me about the moon", Candidate = "the moon is far", Label = 1 });
        IDataView data = mlContext.Data.LoadFromEnumerable(rows);

        var model = Pipelines.Pipeline(mlContext, TinyModelOptions()).Fit(data);
        float[] scores = model.Transform(data).GetColumn<float>("Score").ToArray();

        scores.Should().HaveCount(rows.Count);
        scores[^1].Should().Be(1f, "a group of one is ranked without a model call");
        scores.Take(20).Chunk(5).Should().OnlyContain(g => g.Order().SequenceEqual(new[] { 1f, 2f, 3f, 4f, 5f }));
        var ranker = Pipelines.Ranker(model);
        ranker.Options.DecodingMode.Should().Be(DecodingMode.Choice);
    }

    private sealed class SynchronousProgress(Action<TrainingStepMetrics> report) : IProgress<TrainingStepMetrics>
    {
        public void Report(TrainingStepMetrics value) => report(value);
    }
}
