using System.Diagnostics;
using System.Reflection;
using IRanker.MLNet.Tests.Engine;
using IRanker.MLNet.Tests.Support;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

public sealed class CancellationTests
{
    // ML.NET 5 keeps MLContext.CancelExecution() for its friend assemblies; applications reach it the same way.
    private static void CancelExecution(MLContext mlContext) =>
        typeof(MLContext).GetMethod("CancelExecution", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.Invoke(mlContext, null);

    [Fact]
    public async Task CancelExecution_stops_a_running_Fit_promptly()
    {
        var mlContext = Pipelines.Context(out _);
        using var started = new ManualResetEventSlim();
        var slowEngine = new LexicalRankingEngineFactory
        {
            OnStep = step =>
            {
                if (step == 10) started.Set();
                Thread.Sleep(1);
            },
        };
        var pipeline = Pipelines.Pipeline(mlContext, Pipelines.Options(trainingSteps: 10_000_000, engine: slowEngine));
        IDataView data = mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 4, seed: 21));

        var fit = Task.Run(() => pipeline.Fit(data));
        started.Wait(TimeSpan.FromSeconds(30)).Should().BeTrue("training starts");
        var clock = Stopwatch.StartNew();
        CancelExecution(mlContext);

        await fit.Invoking(f => f).Should().ThrowAsync<OperationCanceledException>();
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Fit_after_CancelExecution_stops_before_training()
    {
        var mlContext = Pipelines.Context(out _);
        var trainer = mlContext.Ranking.Trainers.IRanker(Pipelines.Options());
        IDataView data = mlContext.Transforms.Conversion.MapValueToKey("GroupId").Fit(mlContext.Data.LoadFromEnumerable(PassageData.Rows(2, seed: 22)))
            .Transform(mlContext.Data.LoadFromEnumerable(PassageData.Rows(2, seed: 22)));
        CancelExecution(mlContext);

        trainer.Invoking(t => t.Fit(data)).Should().Throw<OperationCanceledException>();
    }
}
