using System.Diagnostics;
using System.Globalization;
using System.Text;
using IRanker.Datasets;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Runtime;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Benchmarks.Mini;

/// <summary>
/// A curriculum of short lists, measured: from a model (IRanker-mini by default), warm-start stages on the recipe's
/// training lists of some tasks (the trained passage tasks by default), each stage's lists cut to its list size
/// (<see cref="ShortLists"/>: the best candidate and others drawn at random; pairs first, then longer), each stage
/// from the previous one's model with a fresh optimiser. After every stage the quickstart's test lists are ranked whole
/// and cut to 2, 3 and 5 candidates, so that one sees which list lengths the model has learned to rank.
/// </summary>
/// <remarks>
/// Options: <c>--model</c> (default models/iranker-mini), <c>--tasks</c> (trained tasks, default Passage-5,Passage-7),
/// <c>--eval</c> (evaluated tasks, default Passage-5,Passage-7,Passage-9), <c>--ladder</c> (list size:steps per stage,
/// default 2:4000,3:1500,4:1500,5:1500), <c>--seed</c> (the stages' draws, default 1003), <c>--learning-rate</c>
/// (default 1e-3, the scratch recipe's warm start), <c>--save</c> (a folder for each stage's model, default none).
/// </remarks>
internal sealed class CurriculumBenchmark : IBenchmarkCommand
{
    private static readonly int[] CutSizes = [2, 3, 5];

    /// <summary>The section's heading names the trained tasks' scenarios, so that each scenario's run keeps its own section.</summary>
    public string Title => $"A curriculum of short lists ({scenarios})";

    private string scenarios = "passages";

    public string Run(string[] args)
    {
        TorchRuntime.EnsureInitialized();
        set_num_threads(Environment.ProcessorCount);
        string modelFolder = BenchmarkArguments.Option(args, "--model", Path.Combine("models", "iranker-mini"));
        var tasks = List(BenchmarkArguments.Option(args, "--tasks", "Passage-5,Passage-7"));
        var evaluated = List(BenchmarkArguments.Option(args, "--eval", "Passage-5,Passage-7,Passage-9"));
        var ladder = Ladder(BenchmarkArguments.Option(args, "--ladder", "2:4000,3:1500,4:1500,5:1500"));
        int seed = BenchmarkArguments.Int(args, "--seed", 1003);
        double learningRate = double.Parse(BenchmarkArguments.Option(args, "--learning-rate", "1e-3"), CultureInfo.InvariantCulture);
        string? save = BenchmarkArguments.Option(args, "--save", "") is { Length: > 0 } s ? s : null;
        foreach (var task in tasks.Concat(evaluated))
            if (!RankingBenchMini.TaskNames.Contains(task))
                throw new ArgumentException($"'{task}' is no task of Ranking-bench-mini: use {string.Join(", ", RankingBenchMini.TaskNames)}.");

        var names = tasks.Select(RankingTasks.ScenarioOf).Distinct().Select(s => s switch
        {
            RankingScenario.Passage => "passages",
            RankingScenario.Recommendation => "recommendation",
            RankingScenario.Routing => "routing",
            var other => other?.ToString().ToLowerInvariant() ?? "other tasks",
        }).ToList();
        scenarios = names.Count == 1 ? names[0] : $"{string.Join(", ", names[..^1])} and {names[^1]}";
        var train = IRankerMiniRecipe.TrainingListsOf(tasks, IRankerMiniRecipe.DefaultSeed, Console.Out);
        var test = RankingBenchMini.Generate(new RankingBenchMiniOptions
        {
            Seed = IRankerMiniRecipe.QuickstartSeeds[0], Version = RankingBenchMiniVersion.V2,
            TrainQueriesPerTask = IRankerMiniRecipe.QuickstartTrainLists, TestQueriesPerTask = IRankerMiniRecipe.QuickstartTestLists,
        }).Tasks.Where(t => evaluated.Contains(t.Name)).ToList();

        var training = new StringBuilder();
        training.AppendLine("| stage | list size | warm-start steps | elimination loss, first / last 500 steps | elimination accuracy, last 500 steps | minutes |");
        training.AppendLine("|---|---|---|---|---|---|");
        var evaluation = new StringBuilder();
        evaluation.AppendLine("| after stage | task | pairs: best first (random 50%) | triples (33%) | fives (20%) | whole lists: MRR x100 |");
        evaluation.AppendLine("|---|---|---|---|---|---|");

        using var model = IRankerModel.Load(modelFolder);
        model.Model.eval();
        Evaluate(model, test, "0 (the model as loaded)", evaluation);
        for (int stage = 1; stage <= ladder.Count; stage++)
        {
            var (size, steps) = ladder[stage - 1];
            var options = IRanker.MLNet.IRankerOptions.ScratchTrainingDefaults();
            options.WarmStartSteps = steps;
            options.Steps = 0;
            options.Seed = seed;
            options.Mode = DecodingMode.Choice;
            options.WarmStartLearningRate = learningRate;
            var lists = ShortLists.Cut(train, size, seed + stage);
            var windows = new List<(double Loss, double Accuracy)>();
            var clock = Stopwatch.StartNew();
            model.Model.train();
            new EliminationTrainer(model, options).WarmStart(lists, TrainingMeasures.OnEachStep(m =>
            {
                windows.Add((m.Loss - m.LanguageModelLoss, m.EliminationAccuracy));
                if (m.Step % 100 == 0)
                    Console.WriteLine($"stage {stage} (lists of {size}) step {m.Step}/{steps}: elimination loss {windows.TakeLast(100).Average(w => w.Loss):F3}, accuracy {windows.TakeLast(100).Average(w => w.Accuracy):P0}");
            }));
            model.Model.eval();
            var first = windows.Take(500).ToList();
            var last = windows.TakeLast(500).ToList();
            training.AppendLine(CultureInfo.InvariantCulture,
                $"| {stage} | {size} | {steps:N0} | {first.Average(w => w.Loss):0.000} / {last.Average(w => w.Loss):0.000} | {last.Average(w => w.Accuracy):P0} | {clock.Elapsed.TotalMinutes:0.0} |");
            Evaluate(model, test, stage.ToString(CultureInfo.InvariantCulture), evaluation);
            if (save is not null) model.Save(Path.Combine(save, $"stage-{stage}"));
        }

        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"Machine: {BenchmarkReport.Machine()}. Date: {DateTime.UtcNow:yyyy-MM-dd}. Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- curriculum{(args.Length > 0 ? " " + string.Join(' ', args) : "")}`.");
        body.AppendLine();
        body.AppendLine(CultureInfo.InvariantCulture, $"From `{modelFolder}`, warm-start stages on the recipe's training lists of {string.Join(", ", tasks)} ({train.Count:N0} lists, seed 1001),");
        body.AppendLine(CultureInfo.InvariantCulture, $"each stage's lists cut to its list size (the best candidate and others drawn at random), 16 prompts per step at {learningRate.ToString("G", CultureInfo.InvariantCulture)},");
        body.AppendLine("each stage from the previous one's model with a fresh optimiser. Elimination loss: the warm start's loss less its next-token part.");
        body.AppendLine();
        body.Append(training);
        body.AppendLine();
        body.AppendLine(CultureInfo.InvariantCulture, $"The quickstart's test lists (seed {IRankerMiniRecipe.QuickstartSeeds[0]}, {IRankerMiniRecipe.QuickstartTestLists} per task), ranked whole and cut the same way to 2, 3 and 5 candidates");
        body.AppendLine("(\"best first\": the share of lists whose best candidate the ranking puts first):");
        body.AppendLine();
        body.Append(evaluation);
        return body.ToString();
    }

    private static List<string> List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static List<(int Size, int Steps)> Ladder(string text) => List(text).Select(entry =>
    {
        var parts = entry.Split(':');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int size) && size >= 2
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int steps) && steps > 0
            ? (size, steps)
            : throw new ArgumentException($"--ladder: '{entry}' is not size:steps with a list size of 2 or more and at least one step (for example 2:4000,3:1500).");
    }).ToList();

    private static void Evaluate(IRankerModel model, IReadOnlyList<RankingBenchTask> tasks, string stage, StringBuilder table)
    {
        var ranker = new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Choice });
        foreach (var task in tasks)
        {
            var cells = CutSizes.Select(k => BestFirst(ranker.Rank(ShortLists.Cut(task.Test, k, seed: 11))))
                .Select(share => (100 * share).ToString("0", CultureInfo.InvariantCulture) + "%").ToList();
            var whole = ranker.Rank(task.Test.ToList());
            double mrr = whole.Average(r => ListMetrics.ReciprocalRank(r.Order, Labels(r)));
            table.AppendLine(CultureInfo.InvariantCulture, $"| {stage} | {task.Name} | {string.Join(" | ", cells)} | {100 * mrr:0.0} |");
            Console.WriteLine($"after stage {stage}, {task.Name}: best first at 2 / 3 / 5: {string.Join(" / ", cells)}; whole lists MRR {100 * mrr:0.0}");
        }
    }

    private static double BestFirst(IReadOnlyList<RankingResult> results) => results.Average(r => ListMetrics.Hit(r.Order, Labels(r), 1));

    private static float[] Labels(RankingResult result) => result.Query.Candidates.Select(c => c.Label!.Value).ToArray();
}
