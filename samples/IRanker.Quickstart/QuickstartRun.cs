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
using IRanker.Quickstart.Models;
using IRanker.Quickstart.Reporting;
using Microsoft.ML;
using Spectre.Console;

namespace IRanker.Quickstart;

/// <summary>The quickstart's steps, in order.</summary>
internal sealed class QuickstartRun(QuickstartSettings settings)
{
    private const string IRankerMethod = "IRanker (trained)";
    private const string UntrainedMethod = "IRanker (untrained)";
    private const string BaseMethod = "base model";
    private const string ZeroShotMethod = "IRanker-mini zero-shot";
    private const string FineTunedMethod = "IRanker-mini fine-tuned";
    private const string HeldOutMark = "†";
    /// <summary>Test lists per task that the reloaded model scores again.</summary>
    private const int ReloadCheckLists = 10;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private ChoiceScoring? _scoring;

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
        Say($"Ranking-bench-mini{(settings.DataVersion == RankingBenchMiniVersion.V1 ? "" : $" version {(int)settings.DataVersion}")}: {data.Tasks.Count} tasks, {data.Train.Count} training lists, {data.Test.Count} test lists -> {dataFolder} ({_clock.Elapsed.TotalSeconds:0} s).");

        // The files are read back with RankingTsv.Read, which restores the line breaks between a history's items;
        // ML.NET's text loader does not unescape, so its rows would show "\n" where IRanker-mini learned line breaks.
        var trainRows = RankingRows.FromQueries(RankingTsv.Read(Path.Combine(dataFolder, "train.tsv")));
        var testRows = RankingRows.FromQueries(RankingTsv.Read(Path.Combine(dataFolder, "test.tsv")));
        var trainView = ml.Data.LoadFromEnumerable(trainRows);
        var testView = ml.Data.LoadFromEnumerable(testRows);
        // MapValueToKey maps groups it was not fitted on to missing, so it is given every group id (train and test).
        var allGroups = ml.Transforms.SelectColumns("GroupId").Fit(trainView)
            .Transform(ml.Data.LoadFromEnumerable(trainRows.Concat(testRows)));

        IEstimator<ITransformer> Pipeline(IRankerOptions options) => ml.Transforms.Conversion.MapValueToKey("GroupId", keyData: allGroups)
            .Append(ml.Ranking.Trainers.IRanker(options));

        // 2. The models: each is an ML.NET pipeline fitted on the training split (with no training steps a fit only loads).
        var models = new List<(string Method, ITransformer Model)>();
        IReadOnlySet<string> heldOut = new HashSet<string>();
        if (settings.FromScratch)
        {
            // A new small model trained from nothing (warm start, then GRPO), and the same path with no training steps.
            var trained = Train(progress => Pipeline(ScratchOptions(settings.WarmStartSteps, settings.RlSteps, progress)), trainView);
            Say($"Trained in {_clock.Elapsed.TotalMinutes:0.0} min (so far).");
            models.Add((UntrainedMethod, Pipeline(ScratchOptions(0, 0)).Fit(trainView)));
            models.Add((IRankerMethod, trained));
        }
        else
        {
            // IRanker-mini as shipped (zero-shot), its base model and an untrained model of its shape (the controls), then
            // IRanker-mini fine-tuned on the training split of all nine tasks.
            var shipped = ShippedModel.Resolve(settings.ModelFolder);
            heldOut = shipped.HeldOut;
            // Every model of the table scores candidates the same way: the shipped model's own way unless told otherwise.
            _scoring = settings.ChoiceScoring ?? shipped.ChoiceScoring;
            string untrainedFolder = shipped.WriteUntrained(Path.Combine(settings.Output, "iranker-mini-untrained"), settings.Seed);
            Say($"IRanker-mini: {shipped.Folder}; base model: {shipped.BaseFolder}; choice scoring {_scoring}" +
                (heldOut.Count > 0 ? $"; held out of its ranking training (zero-shot, marked {HeldOutMark}): {string.Join(", ", tasks.Where(heldOut.Contains))}." : "."));
            models.Add((UntrainedMethod, Pipeline(CheckpointOptions(untrainedFolder, 0, 0)).Fit(trainView)));
            models.Add((BaseMethod, Pipeline(CheckpointOptions(shipped.BaseFolder, 0, 0)).Fit(trainView)));
            models.Add((ZeroShotMethod, Pipeline(CheckpointOptions(shipped.Folder, 0, 0)).Fit(trainView)));
            var fineTuned = Train(progress => Pipeline(CheckpointOptions(shipped.Folder, settings.WarmStartSteps, settings.RlSteps, progress)), trainView);
            Say($"Fine-tuned in {_clock.Elapsed.TotalMinutes:0.0} min (so far).");
            models.Add((FineTunedMethod, fineTuned));
        }
        var model = models[^1].Model;   // the trained one: saved, reloaded and shown below

        // 3. Scores on the test split, per task, for every method.
        var results = new List<TaskMetrics>();
        var scores = new Dictionary<string, Dictionary<string, float[][]>>();
        foreach (var (method, scorer) in models)
        {
            var started = _clock.Elapsed;
            scores[method] = ScoreByTask(ml, scorer, testView, data);
            Say($"{method}: ranked the {data.Test.Count} test lists in {(_clock.Elapsed - started).TotalSeconds:0} s.");
        }
        var lightGbmStarted = _clock.Elapsed;
        var lightGbm = new LightGbmBaseline(ml);
        lightGbm.Fit(data.Train);
        Say($"LightGBM: fitted in {(_clock.Elapsed - lightGbmStarted).TotalSeconds:0} s.");
        foreach (var task in data.Tasks)
        {
            results.Add(TaskEvaluation.Evaluate(ml, "random", task.Name, task.Test,
                TaskEvaluation.ScoresOf(new RandomRanker(settings.Seed).Rank(task.Test))));
            results.Add(TaskEvaluation.Evaluate(ml, "BM25", task.Name, task.Test, task.Test.Select(new Bm25Ranker().Score).ToList()));
            results.Add(TaskEvaluation.Evaluate(ml, "LightGBM", task.Name, task.Test, lightGbm.Score(task.Test)));
            foreach (var (method, _) in models)
                results.Add(TaskEvaluation.Evaluate(ml, method, task.Name, task.Test, scores[method][task.Name]));
        }
        string[] methods = ["random", "BM25", "LightGBM", .. models.Select(m => m.Method)];
        ResultTable.Print(results, methods, tasks, heldOut, HeldOutMark);
        Say($"LightGBM = ML.NET LambdaMART on: {LightGbmBaseline.Description}.");
        var comparisons = Comparisons(results, tasks, models.Select(m => m.Method).ToList(), heldOut);
        comparisons.ForEach(line => Say(line));

        // 4. Save, reload in a new MLContext, and check that the scores are identical: the first lists of each task,
        //    scored by the model in memory and by the reloaded one (the same lists in the same batches: a list's scores
        //    can differ in the last bits with the other lists of its batch).
        string zip = Path.Combine(settings.Output, "iranker-model.zip");
        ml.Model.Save(model, trainView.Schema, zip);
        var reloadContext = new MLContext(seed: settings.Seed);
        var reloaded = reloadContext.Model.Load(zip, out _);
        var checkedLists = data.Tasks.Select(t => (t.Name, Lists: (IReadOnlyList<RankingQuery>)t.Test.Take(ReloadCheckLists).ToList())).ToList();
        var checkedRows = RankingRows.FromQueries(checkedLists.SelectMany(c => c.Lists));
        var beforeScores = ScoreByTask(ml, model, ml.Data.LoadFromEnumerable(checkedRows), checkedLists);
        var reloadedScores = ScoreByTask(reloadContext, reloaded, reloadContext.Data.LoadFromEnumerable(checkedRows), checkedLists);
        bool identical = checkedLists.All(c => beforeScores[c.Name].Zip(reloadedScores[c.Name]).All(p => p.First.AsSpan().SequenceEqual(p.Second)));
        Say($"Saved {zip} ({new FileInfo(zip).Length / 1024.0 / 1024.0:0.0} MiB); reloaded in a new MLContext: scores of the first " +
            $"{checkedLists.Max(c => c.Lists.Count)} test lists of each task " + (identical ? "[green]identical[/]" : "[red]DIFFERENT[/]"), markup: true);

        ShowExample(reloaded, data);

        if (settings.BenchmarksFile is { } file) AppendToBenchmarks(file, results, methods, tasks, comparisons, heldOut);
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

    /// <summary>A new small model trained from scratch (the library's scratch recipe, with this run's training settings).</summary>
    private IRankerOptions ScratchOptions(int warmStartSteps, int rlSteps, IProgress<TrainingStepMetrics>? progress = null) =>
        Options(null, WithSettings(IRankerOptions.ScratchTrainingDefaults()), warmStartSteps, rlSteps, progress);

    /// <summary>A checkpoint folder loaded through <see cref="IRankerOptions.ModelPath"/>, fine-tuned when given steps.</summary>
    private IRankerOptions CheckpointOptions(string folder, int warmStartSteps, int rlSteps, IProgress<TrainingStepMetrics>? progress = null) =>
        Options(folder, WithSettings(FineTuning()), warmStartSteps, rlSteps, progress);

    /// <param name="modelPath">A Hugging Face folder, loaded as a Qwen2.5 checkpoint is; null: a new small model, trained from scratch.</param>
    /// <param name="training">The training recipe.</param>
    private IRankerOptions Options(string? modelPath, TrainingOptions training, int warmStartSteps, int rlSteps, IProgress<TrainingStepMetrics>? progress) => new()
    {
        TrainingProgress = progress,
        ModelPath = modelPath,
        TaskColumnName = "Task",             // one model for all nine tasks; the task picks the prompt
        CandidateIdColumnName = "CandidateId",
        WarmStartSteps = warmStartSteps,
        TrainingSteps = rlSteps,
        DecodingMode = DecodingMode.Choice,
        PromptLayout = settings.Layout,
        ChoiceScoring = _scoring ?? settings.ChoiceScoring,
        Training = training,
        Seed = settings.Seed,
        Device = settings.Device,
    };

    /// <summary>
    /// How IRanker-mini is fine-tuned: the scratch recipe (docs/training.md) with lower learning rates, since the weights
    /// already rank (docs/iranker-mini.md).
    /// </summary>
    private static TrainingOptions FineTuning()
    {
        var training = IRankerOptions.ScratchTrainingDefaults();
        training.WarmStartLearningRate = 5e-4;
        training.LearningRate = 2e-4;
        return training;
    }

    /// <summary><paramref name="training"/> with the run's packing, task weights and candidate order where given.</summary>
    private TrainingOptions WithSettings(TrainingOptions training)
    {
        if (settings.PackEliminations is { } pack) training.PackEliminations = pack;
        if (settings.TaskWeights.Count > 0) training.TaskWeights = new Dictionary<string, double>(settings.TaskWeights);
        if (settings.ShuffleCandidates is { } shuffle) training.ShuffleCandidates = shuffle;
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

    private static Dictionary<string, float[][]> ScoreByTask(MLContext ml, ITransformer model, IDataView testView, RankingBenchMiniDataset data) =>
        ScoreByTask(ml, model, testView, data.Tasks.Select(t => (t.Name, t.Test)).ToList());

    /// <summary>Every list's scores, by task; <paramref name="lists"/> are the view's lists in order.</summary>
    private static Dictionary<string, float[][]> ScoreByTask(MLContext ml, ITransformer model, IDataView testView, IReadOnlyList<(string Name, IReadOnlyList<RankingQuery> Lists)> lists)
    {
        var scores = ml.Data.CreateEnumerable<ScoredRankingRow>(model.Transform(testView), reuseRowObject: false).ToList();
        var byTask = new Dictionary<string, float[][]>();
        int at = 0;
        foreach (var (name, queries) in lists)
        {
            var scored = new float[queries.Count][];
            for (int q = 0; q < queries.Count; q++)
            {
                int n = queries[q].Candidates.Count;
                if (scores[at].Task != name) throw new InvalidOperationException($"Row {at} belongs to {scores[at].Task}, expected {name}.");
                scored[q] = scores.GetRange(at, n).Select(s => s.Score).ToArray();
                at += n;
            }
            byTask[name] = scored;
        }
        return byTask;
    }

    /// <summary>
    /// The summary lines under the table: per model, on how many tasks its MRR is above random, BM25 and LightGBM (and,
    /// for the zero-shot model, above the controls on the held-out tasks), and on how many the gap is beyond the draw of
    /// the test lists (a paired sign-flip permutation test on the per-list reciprocal ranks, p &lt; 0.05,
    /// <see cref="PairedComparison"/>).
    /// </summary>
    private static List<string> Comparisons(List<TaskMetrics> results, List<string> tasks, List<string> models, IReadOnlySet<string> heldOut)
    {
        TaskMetrics Of(string method, string task) => results.Single(r => r.Method == method && r.Task == task);
        string Against(string model, string method, string name, IReadOnlyList<string> over)
        {
            var above = over.Where(t => Of(model, t).Mrr > Of(method, t).Mrr).ToList();
            var beyond = above.Where(t => PairedComparison.Of(Of(model, t).ReciprocalRanks, Of(method, t).ReciprocalRanks).FirstIsBetter()).ToList();
            return $"{name} on {above.Count}/{over.Count} ({beyond.Count} beyond chance{(beyond.Count > 0 ? ": " + string.Join(", ", beyond) : "")})";
        }
        var lines = new List<string>();
        foreach (var model in models)
        {
            string line = $"{model}: MRR above {Against(model, "random", "random", tasks)}, {Against(model, "BM25", "BM25", tasks)}, " +
                          $"{Against(model, "LightGBM", "LightGBM", tasks)}";
            var held = tasks.Where(heldOut.Contains).ToList();
            if (model == ZeroShotMethod && held.Count > 0)
                line += $"; on the held-out tasks above {Against(model, UntrainedMethod, "the untrained model", held)}, {Against(model, BaseMethod, "the base model", held)}";
            if (model == IRankerMethod) line += $"; above {Against(model, UntrainedMethod, "the untrained model", tasks)}";
            lines.Add(line + ".");
        }
        lines.Add("Beyond chance: the paired sign-flip permutation test on the per-list reciprocal ranks gives p < 0.05; with "
            + $"{results[0].Lists} test lists per task, smaller gaps may be the draw of the lists.");
        return lines;
    }

    private void AppendToBenchmarks(string file, List<TaskMetrics> results, string[] methods, List<string> tasks, List<string> comparisons, IReadOnlySet<string> heldOut)
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        string text = $"""

            ### Quickstart{(settings.Quick ? " (--quick)" : "")}, {DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}

            Machine: {cpu}, {Environment.ProcessorCount} cores. Command: `dotnet run --project samples/IRanker.Quickstart -c Release -- {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}`.
            Seed {settings.Seed}; {settings.TrainListsPerTask} training and {settings.TestListsPerTask} test lists per task; {(settings.FromScratch ? "from scratch" : "IRanker-mini fine-tuned with")} {settings.WarmStartSteps} warm-start steps, {settings.RlSteps} GRPO steps{Weights()}; data version {(int)settings.DataVersion}; wall time {_clock.Elapsed.TotalMinutes:0.0} min.

            {ResultTable.ToMarkdown(results, methods, tasks, heldOut, HeldOutMark)}
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
