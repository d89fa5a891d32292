using System.Diagnostics;
using System.Globalization;
using IRanker.Datasets;
using IRanker.Evaluation.Baselines;
using IRanker.Evaluation.Metrics;
using IRanker.MLNet;
using IRanker.MLNet.Rows;
using IRanker.Model;
using IRanker.Model.Prompts;
using IRanker.Model.Training;
using IRanker.Quickstart.Baselines;
using IRanker.Quickstart.Evaluation;
using IRanker.Quickstart.Reporting;
using Microsoft.ML;
using Spectre.Console;

namespace IRanker.Quickstart;

/// <summary>The quickstart's steps, in order.</summary>
internal sealed class QuickstartRun(QuickstartSettings settings)
{
    private const string IRankerMethod = "IRanker (trained)";
    private const string UntrainedMethod = "IRanker (untrained)";
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public int Run()
    {
        AnsiConsole.Write(new Rule("[bold]IRanker quickstart[/]" + (settings.Quick ? " (quick)" : "")));
        var ml = new MLContext(seed: settings.Seed);

        // 1. Data: Ranking-bench-mini, written as files that ML.NET loads.
        string dataFolder = Path.Combine(settings.Output, "ranking-bench-mini");
        var data = RankingBenchMini.WriteTo(dataFolder, new RankingBenchMiniOptions
        {
            Seed = settings.Seed,
            TrainQueriesPerTask = settings.TrainListsPerTask,
            TestQueriesPerTask = settings.TestListsPerTask,
            Version = settings.DataVersion,
        });
        var tasks = data.Tasks.Select(t => t.Name).ToList();
        Say($"Ranking-bench-mini{(settings.DataVersion == RankingBenchMiniVersion.V1 ? "" : $" version {(int)settings.DataVersion}")}: {data.Tasks.Count} tasks, {data.Train.Count} training lists, {data.Test.Count} test lists -> {dataFolder}");

        var trainView = ml.Data.LoadFromTextFile<RankingRow>(Path.Combine(dataFolder, "train.tsv"), separatorChar: '\t', hasHeader: true);
        var testView = ml.Data.LoadFromTextFile<RankingRow>(Path.Combine(dataFolder, "test.tsv"), separatorChar: '\t', hasHeader: true);
        // MapValueToKey maps groups it was not fitted on to missing, so it is given every group id (train and test).
        var allGroups = ml.Transforms.SelectColumns("GroupId").Fit(trainView)
            .Transform(ml.Data.LoadFromEnumerable(RankingRows.FromQueries(data.Train).Concat(RankingRows.FromQueries(data.Test))));

        // 2. IRanker from scratch through ML.NET: warm start, then GRPO.
        ITransformer model = Train(progress => ml.Transforms.Conversion.MapValueToKey("GroupId", keyData: allGroups)
            .Append(ml.Ranking.Trainers.IRanker(Options(settings.WarmStartSteps, settings.RlSteps, progress))), trainView);
        Say($"Trained in {_clock.Elapsed.TotalMinutes:0.0} min (so far).");

        // 3. The untrained model: the same path with no training steps.
        var untrained = ml.Transforms.Conversion.MapValueToKey("GroupId", keyData: allGroups)
            .Append(ml.Ranking.Trainers.IRanker(Options(0, 0)))
            .Fit(trainView);

        // 4. Scores on the test split, per task, for every method.
        var results = new List<TaskMetrics>();
        var trainedScores = ScoreByTask(ml, model, testView, data);
        var untrainedScores = ScoreByTask(ml, untrained, testView, data);
        var lightGbm = new LightGbmBaseline(ml);
        lightGbm.Fit(data.Train);
        foreach (var task in data.Tasks)
        {
            results.Add(TaskEvaluation.Evaluate(ml, "random", task.Name, task.Test,
                TaskEvaluation.ScoresOf(new RandomRanker(settings.Seed).Rank(task.Test))));
            results.Add(TaskEvaluation.Evaluate(ml, "BM25", task.Name, task.Test, task.Test.Select(new Bm25Ranker().Score).ToList()));
            results.Add(TaskEvaluation.Evaluate(ml, "LightGBM", task.Name, task.Test, lightGbm.Score(task.Test)));
            results.Add(TaskEvaluation.Evaluate(ml, UntrainedMethod, task.Name, task.Test, untrainedScores[task.Name]));
            results.Add(TaskEvaluation.Evaluate(ml, IRankerMethod, task.Name, task.Test, trainedScores[task.Name]));
        }
        string[] methods = ["random", "BM25", "LightGBM", UntrainedMethod, IRankerMethod];
        ResultTable.Print(results, methods, tasks);
        Say($"LightGBM = ML.NET LambdaMART on: {LightGbmBaseline.Description}.");
        var comparisons = Comparisons(results, tasks);
        comparisons.ForEach(line => Say(line));

        // 5. Save, reload in a new MLContext, and check that the scores are identical.
        string zip = Path.Combine(settings.Output, "iranker-model.zip");
        ml.Model.Save(model, trainView.Schema, zip);
        var reloadContext = new MLContext(seed: settings.Seed);
        var reloaded = reloadContext.Model.Load(zip, out _);
        var reloadedScores = ScoreByTask(reloadContext, reloaded, reloadContext.Data.LoadFromTextFile<RankingRow>(
            Path.Combine(dataFolder, "test.tsv"), separatorChar: '\t', hasHeader: true), data);
        bool identical = tasks.All(t => trainedScores[t].Zip(reloadedScores[t]).All(p => p.First.AsSpan().SequenceEqual(p.Second)));
        Say($"Saved {zip} ({new FileInfo(zip).Length / 1024.0 / 1024.0:0.0} MiB); reloaded in a new MLContext: scores " +
            (identical ? "[green]identical[/]" : "[red]DIFFERENT[/]"), markup: true);

        ShowExample(reloaded, data);

        if (settings.BenchmarksFile is { } file) AppendToBenchmarks(file, results, methods, tasks, comparisons);
        Say($"Done in {_clock.Elapsed.TotalMinutes:0.0} min.");
        return identical ? 0 : 1;
    }

    /// <summary>One test list of the first routing task (else the first task), ranked by the reloaded model: its best
    /// candidate and the model's relevance for it (its probability of being the best, docs/ranking.md).</summary>
    private void ShowExample(ITransformer model, RankingBenchMiniDataset data)
    {
        var task = data.Tasks.FirstOrDefault(t => t.Scenario == RankingScenario.Routing) ?? data.Tasks[0];
        if (task.Test.Count == 0) return;
        var ranker = ((IEnumerable<ITransformer>)model).OfType<IRankerTransformer>().Single();
        var result = ranker.RankAsync(AsyncEnumerable.Repeat(task.Test[0], 1)).ToBlockingEnumerable().Single();
        var relevance = result.Relevance();
        int best = result.Order[0];
        Say($"Example ({task.Name}, list {task.Test[0].QueryId}): best '{Markup.Escape(result.Query.Candidates[best].Id)}' with relevance " +
            $"{relevance[best].ToString("0.00", CultureInfo.InvariantCulture)} (its probability of being the best of the {result.Order.Count}), " +
            $"label {result.Query.Candidates[best].Label?.ToString(CultureInfo.InvariantCulture) ?? "none"} of at most " +
            $"{result.Query.Candidates.Max(c => c.Label ?? 0).ToString(CultureInfo.InvariantCulture)}.", markup: true);
    }

    private IRankerOptions Options(int warmStartSteps, int rlSteps, IProgress<TrainingStepMetrics>? progress = null) => new()
    {
        TrainingProgress = progress,
        ModelPath = null,                    // a new small model, trained from scratch
        TaskColumnName = "Task",             // one model for all nine tasks; the task picks the prompt
        CandidateIdColumnName = "CandidateId",
        WarmStartSteps = warmStartSteps,
        TrainingSteps = rlSteps,
        DecodingMode = DecodingMode.Choice,
        PromptLayout = settings.Layout,
        TaskWeights = settings.TaskWeights.Count > 0 ? new Dictionary<string, double>(settings.TaskWeights) : null,
        ShuffleCandidates = settings.ShuffleCandidates,
        Training = settings.PackEliminations is { } pack ? WithPacking(pack) : null,
        Seed = settings.Seed,
        Device = settings.Device,
    };

    private static TrainingOptions WithPacking(bool pack)
    {
        var training = IRankerOptions.ScratchTrainingDefaults();
        training.PackEliminations = pack;
        return training;
    }

    private ITransformer Train(Func<IProgress<TrainingStepMetrics>, IEstimator<ITransformer>> trainer, IDataView trainView)
    {
        ITransformer? model = null;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var warm = ctx.AddTask("warm start", maxValue: Math.Max(1, settings.WarmStartSteps));
                var rl = ctx.AddTask("GRPO", maxValue: Math.Max(1, settings.RlSteps));
                var progress = new SynchronousProgress<TrainingStepMetrics>(m =>
                {
                    var bar = m.Phase == TrainingPhase.WarmStart ? warm : rl;
                    bar.Value = m.Step;
                    bar.Description = $"{(m.Phase == TrainingPhase.WarmStart ? "warm start" : "GRPO")} loss {m.Loss:0.000} acc {m.EliminationAccuracy:0.00}";
                });
                model = trainer(progress).Fit(trainView);
                warm.Value = warm.MaxValue;
                rl.Value = rl.MaxValue;
            });
        return model!;
    }

    private static Dictionary<string, float[][]> ScoreByTask(MLContext ml, ITransformer model, IDataView testView, RankingBenchMiniDataset data)
    {
        var scores = ml.Data.CreateEnumerable<ScoredRankingRow>(model.Transform(testView), reuseRowObject: false).ToList();
        var byTask = new Dictionary<string, float[][]>();
        int at = 0;
        foreach (var task in data.Tasks)
        {
            var lists = new float[task.Test.Count][];
            for (int q = 0; q < task.Test.Count; q++)
            {
                int n = task.Test[q].Candidates.Count;
                if (scores[at].Task != task.Name) throw new InvalidOperationException($"Row {at} belongs to {scores[at].Task}, expected {task.Name}.");
                lists[q] = scores.GetRange(at, n).Select(s => s.Score).ToArray();
                at += n;
            }
            byTask[task.Name] = lists;
        }
        return byTask;
    }

    /// <summary>
    /// The summary lines under the table: on how many tasks IRanker's MRR is above each baseline's, and on how many the
    /// gap is beyond the draw of the test lists (a paired sign-flip permutation test on the per-list reciprocal ranks,
    /// p &lt; 0.05, <see cref="PairedComparison"/>).
    /// </summary>
    private static List<string> Comparisons(List<TaskMetrics> results, List<string> tasks)
    {
        TaskMetrics Of(string method, string task) => results.Single(r => r.Method == method && r.Task == task);
        string Against(string method, string name)
        {
            var above = tasks.Where(t => Of(IRankerMethod, t).Mrr > Of(method, t).Mrr).ToList();
            var beyond = above.Where(t => PairedComparison.Of(Of(IRankerMethod, t).ReciprocalRanks, Of(method, t).ReciprocalRanks).FirstIsBetter()).ToList();
            return $"{name} on {above.Count}/{tasks.Count} ({beyond.Count} beyond chance{(beyond.Count > 0 ? ": " + string.Join(", ", beyond) : "")})";
        }
        var lightGbmWins = tasks.Where(t => Of("LightGBM", t).Mrr > Of(IRankerMethod, t).Mrr).ToList();
        return
        [
            $"IRanker's MRR is above {Against("random", "random")}, {Against(UntrainedMethod, "the untrained model")}, {Against("BM25", "BM25")}.",
            "Beyond chance: the paired sign-flip permutation test on the per-list reciprocal ranks gives p < 0.05; with "
                + $"{results[0].Lists} test lists per task, smaller gaps may be the draw of the lists.",
            lightGbmWins.Count == 0 ? "LightGBM beats IRanker on no task."
                : $"LightGBM beats IRanker on {lightGbmWins.Count} task(s): {string.Join(", ", lightGbmWins)}.",
        ];
    }

    private void AppendToBenchmarks(string file, List<TaskMetrics> results, string[] methods, List<string> tasks, List<string> comparisons)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        string text = $"""

            ### Quickstart{(settings.Quick ? " (--quick)" : "")}, {DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}

            Machine: {cpu}, {Environment.ProcessorCount} cores. Command: `dotnet run --project samples/IRanker.Quickstart -c Release -- {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}`.
            Seed {settings.Seed}; {settings.TrainListsPerTask} training and {settings.TestListsPerTask} test lists per task; {settings.WarmStartSteps} warm-start steps, {settings.RlSteps} GRPO steps{Weights()}; wall time {_clock.Elapsed.TotalMinutes:0.0} min.

            {ResultTable.ToMarkdown(results, methods, tasks)}
            {string.Join(Environment.NewLine, comparisons)}

            """;
        File.AppendAllText(file, text);
        Say($"Appended the table to {file}.");
    }

    private string Weights() => settings.TaskWeights.Count == 0 ? ""
        : "; task weights " + string.Join(", ", settings.TaskWeights.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Key} {w.Value:0.##}")));

    private static void Say(string text, bool markup = false)
    {
        if (markup) AnsiConsole.MarkupLine(text);
        else AnsiConsole.WriteLine(text);
    }

    /// <summary>Reports on the training thread (Progress&lt;T&gt; would post to a thread pool and lag behind).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    private sealed class ScoredRankingRow
    {
        public string Task { get; set; } = "";
        public float Score { get; set; }
    }
}
