using System.Diagnostics;
using System.Globalization;
using System.Text;
using IRanker.Datasets;
using IRanker.Model;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Benchmarks;

/// <summary>
/// Packed eliminations (<see cref="TrainingOptions.PackEliminations"/>) against single-step samples: elimination steps
/// trained per second at N = 5 and N = 9, warm start and GRPO, both variants in one run on the same data and model.
/// </summary>
/// <remarks>
/// Arguments: <c>--steps N</c> (optimiser steps timed per variant and phase, after one untimed step; default 12),
/// <c>--tasks A,B</c> (default Passage-5,Passage-9), <c>--threads N</c> (default 2), <c>--pack-tokens N</c> (default
/// <see cref="TrainingOptions.PackTokens"/>'s), <c>--data-version 1|2</c>. The model and options are the quickstart's (<see cref="PackingRuns"/>).
/// </remarks>
internal sealed class PackingThroughputBenchmark : IBenchmarkCommand
{
    public string Title => "Packed eliminations: training throughput (CPU)";

    public string Run(string[] args)
    {
        int steps = BenchmarkArguments.Int(args, "--steps", 12), threads = BenchmarkArguments.Int(args, "--threads", 2);
        int packTokens = BenchmarkArguments.Int(args, "--pack-tokens", new TrainingOptions().PackTokens);
        TorchRuntime.EnsureInitialized();
        set_num_threads(threads);
        var version = DataVersionArgument.From(args);
        var tasks = BenchmarkArguments.Option(args, "--tasks", "Passage-5,Passage-9").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 1, TrainQueriesPerTask = 150, TestQueriesPerTask = 5, Tasks = tasks, Version = version });

        var rows = new List<string>();
        foreach (var task in data.Tasks)
        {
            int n = task.Train[0].Candidates.Count;
            foreach (var phase in new[] { TrainingPhase.WarmStart, TrainingPhase.Reinforcement })
            {
                var single = Measure(task.Train, phase, packed: false, steps, packTokens);
                var packed = Measure(task.Train, phase, packed: true, steps, packTokens);
                Console.WriteLine($"{task.Name} {phase}: single {single.StepsPerSecond:F1} steps/s, packed {packed.StepsPerSecond:F1} steps/s");
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {task.Name} (N = {n}) | {(phase == TrainingPhase.WarmStart ? "warm start" : "GRPO")} | {single.StepsPerSecond:F1} | {packed.StepsPerSecond:F1} | **{packed.StepsPerSecond / single.StepsPerSecond:F2}x** | {single.TokensPerStep:F0} | {packed.TokensPerStep:F0} |"));
            }
        }

        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd} (UTC)");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {BenchmarkReport.Machine()}; libtorch threads: {get_num_threads()}");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- packing-throughput --tasks {string.Join(',', tasks)} --steps {steps} --threads {threads} --pack-tokens {packTokens}{PackingRuns.VersionArgument(version)}`");
        body.AppendLine(CultureInfo.InvariantCulture,
            $"- The quickstart's model (Qwen2 `Small` from scratch, compact prompts, append-only layout, Choice mode) and options (warm start: 16 prompts per step; GRPO: 8 prompts x 8 choices), on 150 Ranking-bench-mini training lists (seed 1). Each variant starts from the same weights and the same seed; {steps} optimiser steps are timed after one untimed step. Packed: {packTokens} tokens per packed sequence. A step is one elimination step trained (one prompt): single-step batches hold 16 (warm start) or 8 (GRPO) of them, packed batches that many sub-lists, each eliminated to the end.");
        body.AppendLine();
        body.AppendLine("| task | phase | single-step: steps/s | packed: steps/s | packed / single | tokens run per step, single | tokens run per step, packed |");
        body.AppendLine("|---|---|---|---|---|---|---|");
        foreach (var row in rows) body.AppendLine(row);
        return body.ToString();
    }

    private static (double StepsPerSecond, double TokensPerStep) Measure(IReadOnlyList<RankingQuery> train, TrainingPhase phase, bool packed, int steps, int packTokens)
    {
        using var ranker = PackingRuns.NewModel(train, seed: 1);
        var options = PackingRuns.Options(seed: 1, packed, packTokens);
        bool warm = phase == TrainingPhase.WarmStart;
        options.WarmStartSteps = warm ? steps + 1 : 0;
        options.Steps = warm ? 0 : steps + 1;
        var trainer = new EliminationTrainer(ranker, options);
        double seconds = 0, tokens = 0;
        int trained = 0;
        var progress = TrainingMeasures.OnEachStep(m =>
        {
            if (m.Step == 1) return;   // the first step pays for warming up
            seconds += m.SecondsPerStep;
            tokens += m.TokensPerSecond * m.SecondsPerStep;
            trained += m.EliminationSteps;
        });
        if (warm) trainer.WarmStart(train, progress);
        else trainer.Train(train, null, progress);
        return (trained / seconds, tokens / trained);
    }
}

/// <summary>
/// What counts: held-out MRR against training wall time on the quickstart's data (all nine tasks), packed eliminations
/// against single-step samples, the same time budget, two seeds.
/// </summary>
/// <remarks>
/// Arguments: <c>--minutes X</c> (warm-start training time per run, default 4), <c>--every X</c> (minutes of training
/// between evaluations, default 1), <c>--seeds 1,2</c>, <c>--threads N</c> (default 2), <c>--pack-tokens N</c>,
/// <c>--data-version 1|2</c>. Warm start only: it is most of the quickstart's training time; evaluation time is not
/// counted.
/// </remarks>
internal sealed class PackingCurveBenchmark : IBenchmarkCommand
{
    public string Title => "Packed eliminations: learning per minute (CPU)";

    public string Run(string[] args)
    {
        double minutes = BenchmarkArguments.Double(args, "--minutes", 4, zeroAllowed: false), every = BenchmarkArguments.Double(args, "--every", 1, zeroAllowed: false);
        int threads = BenchmarkArguments.Int(args, "--threads", 2);
        int packTokens = BenchmarkArguments.Int(args, "--pack-tokens", new TrainingOptions().PackTokens);
        var seeds = BenchmarkArguments.Option(args, "--seeds", "1,2").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        TorchRuntime.EnsureInitialized();
        set_num_threads(threads);
        var version = DataVersionArgument.From(args);
        var clock = Stopwatch.StartNew();

        var curves = new List<(int Seed, bool Packed, List<(double Minutes, int Steps, int Trained, Dictionary<string, double> Mrr)> Points)>();
        var taskNames = new List<string>();
        foreach (int seed in seeds)
        {
            var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = seed, TrainQueriesPerTask = 150, TestQueriesPerTask = 30, Version = version });
            taskNames = data.Tasks.Select(t => t.Name).ToList();
            var train = data.Tasks.SelectMany(t => t.Train).ToList();
            foreach (bool packed in new[] { false, true })
                curves.Add((seed, packed, Curve(data, train, seed, packed, packTokens, minutes, every)));
        }

        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd} (UTC)");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {BenchmarkReport.Machine()}; libtorch threads: {get_num_threads()}");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- packing-curve --minutes {minutes.ToString(CultureInfo.InvariantCulture)} --every {every.ToString(CultureInfo.InvariantCulture)} --seeds {string.Join(',', seeds)} --threads {threads} --pack-tokens {packTokens}{PackingRuns.VersionArgument(version)}`");
        body.AppendLine(CultureInfo.InvariantCulture,
            $"- The quickstart's data (Ranking-bench-mini, the seed's data, 150 training and 30 test lists per task, all nine tasks), model and warm-start options (16 sub-lists per step: single steps, or with packing each sub-list eliminated to the end, its k steps weighing 1/k; lr 1e-3, next-token loss weight 1); {minutes.ToString(CultureInfo.InvariantCulture)} minutes of warm-start training per run, held-out MRR (greedy iterative elimination, the trainer's evaluation) every {every.ToString(CultureInfo.InvariantCulture)} minute(s) of training; evaluation time is not counted. Total wall time {clock.Elapsed.TotalMinutes:F0} min.");
        body.AppendLine();
        body.AppendLine("Mean held-out MRR x100 over the nine tasks (and per scenario: recommendation, routing, passage) against minutes of training:");
        body.AppendLine();
        body.AppendLine("| seed | samples | minutes | optimiser steps | sub-lists seen | elimination steps trained | mean | recommendation | routing | passage |");
        body.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (seed, packed, points) in curves)
            foreach (var (at, steps, trained, mrr) in points)
                body.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {seed} | {(packed ? "packed" : "single-step")} | {at:F1} | {steps} | {steps * 16:N0} | {trained:N0} | {100 * mrr.Values.Average():F1} | {Scenario(mrr, taskNames, 0)} | {Scenario(mrr, taskNames, 1)} | {Scenario(mrr, taskNames, 2)} |"));
        body.AppendLine();
        body.AppendLine("Per task at the end of the budget (MRR x100):");
        body.AppendLine();
        body.AppendLine("| seed | samples | " + string.Join(" | ", taskNames) + " |");
        body.AppendLine("|---|---|" + string.Concat(taskNames.Select(_ => "---|")));
        foreach (var (seed, packed, points) in curves)
            body.AppendLine($"| {seed} | {(packed ? "packed" : "single-step")} | " + string.Join(" | ", taskNames.Select(t => (100 * points[^1].Mrr[t]).ToString("F1", CultureInfo.InvariantCulture))) + " |");
        return body.ToString();
    }

    /// <summary>Mean MRR x100 of the scenario's three tasks (the tasks come three per scenario, in Ranking-bench-mini's order).</summary>
    private static string Scenario(Dictionary<string, double> mrr, List<string> tasks, int scenario) =>
        (100 * tasks.Skip(3 * scenario).Take(3).Average(t => mrr[t])).ToString("F1", CultureInfo.InvariantCulture);

    private static List<(double Minutes, int Steps, int Trained, Dictionary<string, double> Mrr)> Curve(RankingBenchMiniDataset data, List<RankingQuery> train, int seed, bool packed,
        int packTokens, double minutes, double every)
    {
        using var ranker = PackingRuns.NewModel(train, seed);
        var options = PackingRuns.Options(seed, packed, packTokens);
        options.WarmStartSteps = 1_000_000;   // the time budget ends the run
        options.Steps = 0;
        var trainer = new EliminationTrainer(ranker, options);
        var points = new List<(double, int, int, Dictionary<string, double>)>();
        double seconds = 0, next = every * 60;
        int steps = 0, trained = 0;
        void Evaluate()
        {
            var mrr = data.Tasks.ToDictionary(t => t.Name, t => trainer.Evaluate(t.Test).Mrr);
            ranker.Model.train();
            points.Add((seconds / 60, steps, trained, mrr));
            Console.WriteLine($"seed {seed} {(packed ? "packed" : "single")} {seconds / 60:F1} min, {steps} steps: mean MRR {100 * mrr.Values.Average():F1}");
        }
        Evaluate();
        using var stop = new CancellationTokenSource();
        try
        {
            trainer.WarmStart(train, TrainingMeasures.OnEachStep(m =>
            {
                seconds += m.SecondsPerStep;
                steps = m.Step;
                trained += m.EliminationSteps;
                if (seconds >= next) { Evaluate(); next += every * 60; }
                if (seconds >= minutes * 60) stop.Cancel();
            }), stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
        if (points[^1].Item2 != steps) Evaluate();
        return points;
    }
}

/// <summary>The model and options the packing benchmarks share: the quickstart's.</summary>
internal static class PackingRuns
{
    /// <summary>The estimator's model from scratch: <see cref="Qwen2Config.Small"/>, compact prompts, the append-only layout.</summary>
    public static IRankerModel NewModel(IReadOnlyList<RankingQuery> train, int seed) =>
        IRankerModel.CreateFromScratch(train, Qwen2Config.Small, seed: seed, device: CPU, style: PromptStyle.Compact, layout: PromptLayout.AppendOnly);

    /// <summary>The estimator's options for a model from scratch (Choice mode), with or without packed eliminations.</summary>
    public static TrainingOptions Options(int seed, bool packed, int packTokens) => new()
    {
        Mode = DecodingMode.Choice, Seed = seed, ShuffleCandidates = false,
        WarmStartLearningRate = 1e-3, WarmStartBatchSize = 16, WarmupSteps = 20, LanguageModelLossWeight = 1,
        LearningRate = 3e-4, PromptsPerStep = 8, MicroBatchSize = 8, GroupSize = 8, KlCoefficient = 0, EntropyCoefficient = 0,
        PackEliminations = packed, PackTokens = packTokens,
    };

    public static string VersionArgument(RankingBenchMiniVersion version) => version == RankingBenchMiniVersion.V1 ? "" : $" --data-version {(int)version}";
}
