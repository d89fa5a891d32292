using System.Diagnostics;
using System.Globalization;
using System.Text;
using IRanker.Datasets;
using IRanker.Evaluation.Baselines;
using IRanker.Model;
using IRanker.Quickstart.Baselines;
using Microsoft.ML;

namespace IRanker.Benchmarks.Calibration;

/// <summary>
/// The calibration of Ranking-bench-mini against the paper's baseline rows: for each seed, generates the data, and on
/// every task's test lists measures random, BM25, LightGBM LambdaMART (trained on all tasks' training lists, as in the
/// quickstart), the oracle that knows the generator's word groups and tables, and the single-feature shortcuts of
/// <see cref="ShortcutFeatures"/> in both directions. MRR × 100 with its standard error; each method is compared with
/// chance on the same lists (H(N)/N per list) by the paired sign-flip test.
/// </summary>
/// <remarks>
/// Arguments: <c>--data-version 1|2</c> (default 2), <c>--seeds 1,2</c>, <c>--train N</c> and <c>--test N</c> lists per task
/// (default 300 and 300; the routing tasks allow 600 together), <c>--tasks A,B</c> (default the nine).
/// </remarks>
internal sealed class CalibrationBenchmark : IBenchmarkCommand
{
    private const double Alpha = 0.05;

    public string Title => "Ranking-bench-mini calibration";

    public string Run(string[] args)
    {
        var version = DataVersionArgument.From(args, RankingBenchMiniVersion.V2);
        var seeds = Ints(args, "--seeds", "1,2");
        int train = Int(args, "--train", 300), test = Int(args, "--test", 300);
        var tasks = Option(args, "--tasks", string.Join(",", RankingBenchMini.TaskNames))
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (seeds.Distinct().Count() != seeds.Count) throw new ArgumentException($"--seeds {string.Join(",", seeds)} names a seed twice; give each seed once.");
        if (test == 0 || train == 0) throw new ArgumentException($"--train {train} and --test {test}: the calibration needs at least one list of each per task.");
        string machine = BenchmarkReport.Machine();
        var clock = Stopwatch.StartNew();

        // scores[(task, seed, method)]
        var scores = new Dictionary<(string Task, int Seed, string Method), MethodScores>();
        var featureNames = new List<(string Name, bool Lexical)>();
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (int seed in seeds)
        {
            var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = seed, Version = version, TrainQueriesPerTask = train, TestQueriesPerTask = test, Tasks = tasks });
            Console.WriteLine($"[{clock.Elapsed.TotalMinutes:0.0} min] seed {seed}: {data.Train.Count} training and {data.Test.Count} test lists; fitting LightGBM");
            var lightGbm = new LightGbmBaseline(new MLContext(seed: seed));
            lightGbm.Fit(data.Train);
            foreach (var task in data.Tasks)
            {
                var lists = task.Test;
                sizes[task.Name] = lists[0].Candidates.Count;
                scores[(task.Name, seed, "random")] = MethodScores.Of(new RandomRanker(seed).Rank(lists));
                scores[(task.Name, seed, "BM25")] = MethodScores.Of(new Bm25Ranker().Rank(lists));
                scores[(task.Name, seed, "LightGBM")] = MethodScores.OfScores(lists, lightGbm.Score(lists));
                if (OracleApplies(version, task.Scenario))
                    scores[(task.Name, seed, "oracle")] = MethodScores.Of(new RankingBenchMiniOracle().Rank(lists));
                var features = Features(task.Train);
                if (featureNames.Count == 0) featureNames.AddRange(features.Select(f => (f.Name, f.Lexical)));
                foreach (var feature in features)
                {
                    scores[(task.Name, seed, feature.Name + " high")] = MethodScores.Of(feature.Rank(lists, highFirst: true));
                    scores[(task.Name, seed, feature.Name + " low")] = MethodScores.Of(feature.Rank(lists, highFirst: false));
                }
                Console.WriteLine($"  {task.Name}: random {Cell(scores[(task.Name, seed, "random")])}, BM25 {Cell(scores[(task.Name, seed, "BM25")])}, " +
                    $"LightGBM {Cell(scores[(task.Name, seed, "LightGBM")])}" +
                    (scores.TryGetValue((task.Name, seed, "oracle"), out var oracle) ? $", oracle {Cell(oracle)}" : ""));
            }
        }

        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. Date: {DateTime.UtcNow:yyyy-MM-dd}. Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- calibrate {string.Join(' ', args)}`. " +
            $"Wall time {clock.Elapsed.TotalMinutes:0.0} min.");
        body.AppendLine();
        body.AppendLine(CultureInfo.InvariantCulture, $"Ranking-bench-mini version {(int)version}, seeds {string.Join(" and ", seeds)}: {test} test lists per task and seed ({train} training lists per task for LightGBM and for word rarity). " +
            $"MRR × 100 ± its standard error. Chance = H(N)/N, the expected MRR of a random order with one positive among N (the paper's random row on the passages). " +
            $"LightGBM = ML.NET LambdaMART on the quickstart's features ({LightGbmBaseline.Description}), trained on all tasks' training lists of the seed. " +
            $"The oracle knows the generator's word groups and tables, never the labels (docs/data.md).");
        body.AppendLine();
        body.Append("| task | N | chance | paper BM25 |");
        foreach (string method in new[] { "random", "BM25", "LightGBM", "oracle" })
            foreach (int seed in seeds) body.Append(FormattableString.Invariant($" {method} (seed {seed}) |"));
        body.AppendLine();
        body.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", 4 + 4 * seeds.Count)));
        foreach (string task in tasks)
        {
            int n = sizes[task];
            body.Append(FormattableString.Invariant($"| {task} | {n} | {100 * MethodScores.ChanceOf(n):F1} | {(PaperBaselines.Bm25.TryGetValue(task, out double paper) ? paper.ToString("F1", CultureInfo.InvariantCulture) : "")} |"));
            foreach (string method in new[] { "random", "BM25", "LightGBM", "oracle" })
                foreach (int seed in seeds)
                    body.Append(' ').Append(scores.TryGetValue((task, seed, method), out var s) ? Cell(s) + Mark(s) : "n/a").Append(" |");
            body.AppendLine();
        }
        body.AppendLine();
        body.AppendLine(CultureInfo.InvariantCulture, $"\\* above chance beyond chance (paired sign-flip test, p < {Alpha}); ° below chance beyond chance.");
        body.AppendLine();

        int tests = featureNames.Count(f => !f.Lexical) * 2;
        double corrected = Alpha / tests;
        body.AppendLine(CultureInfo.InvariantCulture, $"**Shortcuts.** Each list ranked by one surface feature of the candidates, highest first / lowest first (ties in list order): " +
            $"MRR − chance in points on the {seeds.Count} seeds' test lists together ({seeds.Count * test} lists per task). " +
            $"\\* = above chance with p < {Alpha}; \\*\\* = also below {Alpha}/{tests} = {corrected:0.0000} (Bonferroni over the task's {tests} non-lexical rankings). " +
            $"The lexical features (marked L) compare the candidate with the query, as BM25 does: they are the signal BM25 has, expected near BM25, not at chance.");
        body.AppendLine();
        body.AppendLine("| task | " + string.Join(" | ", featureNames.Select(f => f.Lexical ? f.Name + " (L)" : f.Name)) + " |");
        body.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---|", featureNames.Count)));
        foreach (string task in tasks)
        {
            body.Append(FormattableString.Invariant($"| {task} |"));
            foreach (var (name, _) in featureNames)
            {
                string Delta(string direction)
                {
                    var pooled = MethodScores.Pool(seeds.Select(seed => scores[(task, seed, $"{name} {direction}")]));
                    var c = pooled.AgainstChance();
                    string mark = c.MeanDifference > 0 && c.PValue < corrected ? "\\*\\*" : c.FirstIsBetter(Alpha) ? "\\*" : "";
                    return (100 * c.MeanDifference).ToString("+0.0;−0.0;0.0", CultureInfo.InvariantCulture) + mark;
                }
                body.Append(FormattableString.Invariant($" {Delta("high")} / {Delta("low")} |"));
            }
            body.AppendLine();
        }
        body.AppendLine();
        body.AppendLine("Features: " + string.Join("; ", Features(RankingBenchMini.Generate(new RankingBenchMiniOptions { TrainQueriesPerTask = 1, TestQueriesPerTask = 0, Tasks = ["Passage-5"] }).Train)
            .Select(f => $"{f.Name}: {f.Description}")) + ".");
        Console.WriteLine(body);
        return body.ToString();
    }

    /// <summary>The library's shortcut features and BM25 (lowest first: inverse BM25).</summary>
    private static IReadOnlyList<ShortcutFeature> Features(IReadOnlyList<RankingQuery> train) =>
        [.. ShortcutFeatures.For(train), new("BM25", "Okapi BM25 against the query (lowest first: inverse BM25)", true, new Bm25Ranker().Score)];

    private static bool OracleApplies(RankingBenchMiniVersion version, RankingScenario scenario) =>
        scenario != RankingScenario.Passage || version == RankingBenchMiniVersion.V2;

    private static string Cell(MethodScores s) =>
        string.Create(CultureInfo.InvariantCulture, $"{100 * s.Mrr:F1} ± {100 * s.StandardError:F1}");

    private static string Mark(MethodScores s)
    {
        var c = s.AgainstChance();
        return c.PValue >= Alpha || c.MeanDifference == 0 ? "" : c.MeanDifference > 0 ? "\\*" : "°";
    }


    private static IEnumerable<string> Options(string[] args, string name)
    {
        for (int i = 0; i + 1 < args.Length; i++)
            if (args[i] == name) yield return args[i + 1];
    }

    private static string Option(string[] args, string name, string fallback) => Options(args, name).LastOrDefault() ?? fallback;

    private static int Int(string[] args, string name, int fallback)
    {
        string text = Option(args, name, fallback.ToString(CultureInfo.InvariantCulture));
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) && value >= 0
            ? value : throw new ArgumentException($"{name} needs a whole number >= 0, not '{text}'.");
    }

    private static List<int> Ints(string[] args, string name, string fallback)
    {
        string text = Option(args, name, fallback);
        var values = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        return values.Count > 0 && values.All(v => int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            ? values.Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList()
            : throw new ArgumentException($"{name} needs whole numbers separated by commas (e.g. 1,2), not '{text}'.");
    }
}
