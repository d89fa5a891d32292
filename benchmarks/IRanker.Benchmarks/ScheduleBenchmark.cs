using System.Diagnostics;
using System.Globalization;
using System.Text;
using IRanker.Datasets;
using IRanker.MLNet;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using Microsoft.ML;
using static System.FormattableString;
using static TorchSharp.torch;

namespace IRanker.Benchmarks;

/// <summary>
/// Elimination schedules, and long lists ranked in windows: forward passes, prompt tokens computed, rankings/s, and
/// (on a trained model) MRR, NDCG@10 and the calibration of the relevance.
/// </summary>
/// <remarks>
/// Options: <c>--model PATH</c> (a quickstart model zip: quality on its routing test lists and calibration; left out
/// without it; more than one, comma-separated, e.g. one trained in each prompt layout), <c>--seed</c> (the quickstart seed the model was trained with, default 1), <c>--data-version 1|2</c> (the generator version of its data, default 1), <c>--shapes tiny,0.5B</c>
/// (default tiny), <c>--sizes 20,100,1000</c> (candidates per list for the speed table, default 20,100,1000; the 0.5B
/// shape takes the sizes of <c>--large-sizes</c>, default 20), <c>--noise 0,0.25,1</c> and <c>--simulated-sizes 20,100,1000</c>
/// (the simulated ranker's noise levels and list sizes), <c>--parts quality,simulated,speed</c> (which parts to run, default all).
/// </remarks>
internal sealed class ScheduleBenchmark : IBenchmarkCommand
{
    private static readonly (string Name, EliminationSchedule Schedule)[] Schedules =
    [
        ("OnePerStep", EliminationSchedule.OnePerStep),
        ("Fraction(0.5, exactTop: 5)", EliminationSchedule.Fraction(0.5, 5)),
        ("OnePass", EliminationSchedule.OnePass),
    ];

    public string Title => "Schedules and long lists (CPU)";

    public string Run(string[] args)
    {
        TorchRuntime.EnsureInitialized();
        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} (UTC)");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {BenchmarkReport.Machine()}; libtorch threads: {get_num_threads()}");
        body.AppendLine($"- Command: `{("dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- schedules " + string.Join(' ', args)).TrimEnd()}`");
        body.AppendLine("- Layouts: `Rebuilt` (the paper's: the remaining candidates listed afresh each step) and `AppendOnly` (the first prompt, then the elimination dialogue); prefix reuse on in both.");
        body.AppendLine();

        var parts = Option(args, "--parts", "quality,simulated,speed")!.Split(',');
        if (parts.Contains("quality") && Option(args, "--model", null) is { } modelPaths)
        {
            int seed = int.Parse(Option(args, "--seed", "1")!, CultureInfo.InvariantCulture);
            foreach (var modelPath in modelPaths.Split(',')) Quality(body, modelPath, seed, DataVersionArgument.From(args));
        }

        if (parts.Contains("simulated"))
        {
            var noises = Option(args, "--noise", "0,0.25,1")!.Split(',').Select(n => double.Parse(n, CultureInfo.InvariantCulture)).ToArray();
            var simulatedSizes = Option(args, "--simulated-sizes", "20,100,1000")!.Split(',').Select(int.Parse).ToArray();
            Simulated(body, noises, simulatedSizes);
        }

        if (parts.Contains("speed"))
        {
            var shapes = Option(args, "--shapes", "tiny")!.Split(',');
            var sizes = Option(args, "--sizes", "20,100,1000")!.Split(',').Select(int.Parse).ToArray();
            var largeSizes = Option(args, "--large-sizes", "20")!.Split(',').Select(int.Parse).ToArray();
            Speed(body, shapes, sizes, largeSizes);
        }
        return body.ToString();
    }

    /// <summary>MRR, NDCG@10 and cost per schedule on the routing test lists of a trained quickstart model, and the relevance's calibration.</summary>
    private static void Quality(StringBuilder body, string modelPath, int seed, RankingBenchMiniVersion version)
    {
        var ml = new MLContext(seed: seed);
        var loaded = ml.Model.Load(modelPath, out _);
        var transformer = ((IEnumerable<ITransformer>)loaded).OfType<IRankerTransformer>().Single();
        var model = transformer.Model ?? throw new InvalidOperationException($"{modelPath} does not hold an IRanker model.");
        string layout = model.Layout.ToString();
        // The quickstart's data: the same seed and sizes give the same test lists.
        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions
        {
            Seed = seed, TrainQueriesPerTask = 150, TestQueriesPerTask = 30, Tasks = ["Performance", "Balance", "Cost"], Version = version,
        });
        var lists = data.Tasks.SelectMany(t => t.Test).ToList();

        body.AppendLine(Invariant($"### Quality: the quickstart's trained model (`{modelPath}`, seed {seed}, trained in the {layout} layout) on its routing test lists"));
        body.AppendLine();
        body.AppendLine(Invariant($"{lists.Count} lists (Performance, Balance, Cost; 10 candidates each), Choice mode, one run each."));
        body.AppendLine();
        body.AppendLine("| schedule | forward passes per list | prompt tokens computed per list | rankings/s | x OnePerStep | MRR | NDCG@10 |");
        body.AppendLine("|---|---|---|---|---|---|---|");
        double baseline = 0;
        RankingResult[]? onePerStep = null;
        foreach (var (name, schedule) in Schedules)
        {
            var options = transformer.InferenceOptions.Clone();
            options.Schedule = schedule;
            var ranker = new IterativeRanker(model, options);
            ranker.Rank(lists.Take(4).ToList());   // warm-up
            var watch = Stopwatch.StartNew();
            var results = ranker.Rank(lists).ToArray();
            double perSecond = lists.Count / watch.Elapsed.TotalSeconds;
            if (schedule.IsOnePerStep) (baseline, onePerStep) = (perSecond, results);
            double passes = results.Average(r => r.Steps.Count(s => s.LogProbs is not null));
            double mrr = results.Average(r => ListMetrics.ReciprocalRank(r.Order, Labels(r)));
            double ndcg = results.Average(r => ListMetrics.Ndcg(r.Order, Labels(r), 10));
            body.AppendLine(Invariant(
                $"| {name} | {passes:F1} | {(double)ranker.LastCounters.ComputedPromptTokens / lists.Count:N0} | {perSecond:F2} | {perSecond / baseline:F2} | {100 * mrr:F1} | {100 * ndcg:F1} |"));
            Console.WriteLine(Invariant($"quality {name}: {perSecond:F2} rankings/s, MRR {100 * mrr:F1}, NDCG@10 {100 * ndcg:F1}"));
        }
        body.AppendLine();
        Calibration(body, onePerStep!);
    }

    /// <summary>A reliability table of the relevance against "is the best of its list", and the expected calibration error.</summary>
    private static void Calibration(StringBuilder body, IReadOnlyList<RankingResult> results)
    {
        var pairs = results.SelectMany(r =>
        {
            var relevance = r.Relevance();
            var labels = Labels(r);
            float best = labels.Max();
            return relevance.Select((p, i) => (Predicted: (double)p, Best: labels[i] == best ? 1.0 : 0.0));
        }).ToList();
        var edges = new[] { 0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0000001 };
        body.AppendLine("#### Calibration of `Relevance` (`OnePerStep`, the same lists)");
        body.AppendLine();
        body.AppendLine("Each candidate's relevance against whether it is the best of its list (the highest label); bins by predicted value.");
        body.AppendLine();
        body.AppendLine("| predicted | candidates | mean predicted | observed rate of best |");
        body.AppendLine("|---|---|---|---|");
        double ece = 0;
        for (int b = 0; b + 1 < edges.Length; b++)
        {
            var bin = pairs.Where(p => p.Predicted >= edges[b] && p.Predicted < edges[b + 1]).ToList();
            if (bin.Count == 0) continue;
            double predicted = bin.Average(p => p.Predicted), observed = bin.Average(p => p.Best);
            ece += (double)bin.Count / pairs.Count * Math.Abs(predicted - observed);
            body.AppendLine(Invariant($"| [{edges[b]:0.00}, {Math.Min(1, edges[b + 1]):0.00}) | {bin.Count} | {predicted:F3} | {observed:F3} |"));
        }
        body.AppendLine();
        body.AppendLine(Invariant($"Expected calibration error (bin-weighted |predicted − observed|): {ece:F3} over {pairs.Count} candidates."));
        body.AppendLine();
        Console.WriteLine(Invariant($"calibration: ECE {ece:F3}"));
    }

    /// <summary>
    /// MRR and NDCG@10 of each schedule on a simulated ranker with controlled noise (<see cref="NoisyJudge"/>), in one
    /// prompt and in windows: the library's own schedules, windows and tournaments, with the step's distribution
    /// simulated instead of computed.
    /// </summary>
    private static void Simulated(StringBuilder body, double[] noises, int[] sizes)
    {
        // Where the windows come from: the model's positions (with the default token budget, 16,384, above them); one
        // prompt has positions and budget enough for any list here.
        var limits = new (string Name, int Positions)[] { ("one prompt", 1 << 22), ("2,048 positions", 2048), ("512 positions", 512) };
        body.AppendLine("### Quality: a simulated ranker with controlled noise, in one prompt and in windows");
        body.AppendLine();
        body.AppendLine("Each candidate has a latent utility u ~ N(0, 1); a step names candidate c the worst of its pool with probability");
        body.AppendLine("softmax(−(u + σ·ε)) over the pool, ε ~ N(0, 1) drawn afresh for every candidate at every step (σ = 0 never errs).");
        body.AppendLine("Labels from the true place: 4 for the best, 3 for places 2-3, 2 for 4-6, 1 for 7-10, 0 below, so NDCG@10 measures");
        body.AppendLine("how well the true top ten come first and MRR where the best lands. Prompts: random token ids with the speed table's");
        body.AppendLine("lengths (120 head tokens, 30 per candidate), `Rebuilt` layout; the schedules, windows and tournaments are the");
        body.AppendLine("library's own, only the model's forward pass is replaced by the simulation (an `IEliminationJudge`). `one prompt` has positions enough for");
        body.AppendLine("any list; the other two are ranked in windows wherever the list does not fit that many positions (a 1.5B-class");
        body.AppendLine("model's context is larger; these limits stand for a small model or a small token budget). `passes`: the steps");
        body.AppendLine("that judged the list. MRR / NDCG@10 x100.");
        body.AppendLine();
        body.AppendLine("| N | lists | σ | schedule | " + string.Join(" | ", limits.Select(l => $"{l.Name}: windowed, passes, MRR / NDCG@10")) + " |");
        body.AppendLine("|---|---|---|---|" + string.Concat(limits.Select(_ => "---|")));
        var models = limits.ToDictionary(l => l.Positions, l =>
        {
            var config = Qwen2Config.Tiny(151_936);
            config.MaxPositionEmbeddings = l.Positions;
            return new Qwen2ForCausalLM(config);
        });
        var rows = new StringBuilder();
        var errors = new List<string>();
        try
        {
            foreach (int n in sizes)
            {
                double largestError = 0;
                int lists = n switch { <= 20 => 2000, <= 100 => 1000, _ => 160 };
                var (utilities, labels) = NoisyJudge.Draw(lists, n, seed: n);
                var queries = RandomPrompts.CreateLists(lists, n, 120, 30, seed: 0, label: (q, c) => labels[q][c]);
                foreach (double noise in noises)
                foreach (var (name, schedule) in Schedules)
                {
                    var cells = new List<string>();
                    foreach (var (_, positions) in limits)
                    {
                        var judge = new NoisyJudge(noise, seed: 1);
                        for (int q = 0; q < lists; q++) judge.Add(queries[q], utilities[q]);
                        var ranker = IterativeRanker.WithJudge(RandomPrompts.Bundle(models[positions]), judge,
                            new RankerOptions { Schedule = schedule, TokenBudget = Math.Max(new RankerOptions().TokenBudget, positions) });
                        var results = ranker.Rank(queries);
                        if (results.Any(r => r.Order.Count != n)) throw new InvalidOperationException("A ranking is not a full permutation.");
                        double passes = results.Average(r => r.Steps.Count(s => s.LogProbs is not null));
                        var reciprocal = results.Select(r => ListMetrics.ReciprocalRank(r.Order, Labels(r))).ToArray();
                        double mrr = reciprocal.Average();
                        largestError = Math.Max(largestError, StandardError(reciprocal));
                        double ndcg = results.Average(r => ListMetrics.Ndcg(r.Order, Labels(r), 10));
                        string windowed = ranker.LastWindowedLists == 0 ? "no" : ranker.LastWindowedLists == lists ? "yes" : $"{ranker.LastWindowedLists} of {lists}";
                        cells.Add(Invariant($"{windowed}, {passes:F1}, {100 * mrr:F1} / {100 * ndcg:F1}"));
                    }
                    rows.AppendLine(Invariant($"| {n} | {lists} | {noise:0.##} | {name} | {string.Join(" | ", cells)} |"));
                    Console.WriteLine(Invariant($"simulated N={n} σ={noise} {name}: {string.Join(" | ", cells)}"));
                }
                errors.Add(Invariant($"{100 * largestError:F1} at N = {n}"));
            }
        }
        finally
        {
            foreach (var model in models.Values) model.Dispose();
        }
        body.Append(rows);
        body.AppendLine();
        body.AppendLine($"The largest standard error of a cell's MRR (x100, over its lists): {string.Join("; ", errors)}.");
        body.AppendLine();
    }

    /// <summary>Speed on random weights and random token ids (the peer's lengths: 120 head tokens, 30 per candidate).</summary>
    private static void Speed(StringBuilder body, string[] shapes, int[] sizes, int[] largeSizes)
    {
        body.AppendLine("### Speed: random weights, random token ids (120 head tokens, 30 tokens and a 2-token ID per candidate)");
        body.AppendLine();
        body.AppendLine("Token budget 16,384. A list whose prompt exceeds the model's positions (tiny shape: 2,048) or the budget is ranked in windows.");
        body.AppendLine("`passes per list`: steps that ran the model for the list (its rows in the forward batches).");
        body.AppendLine();
        body.AppendLine("`x first prompt`: prompt tokens computed per list over the tokens of the list's first prompt (all N candidates).");
        body.AppendLine("The append-only layout's turn after each answer is 15 tokens, about what the chat template's turn takes.");
        body.AppendLine();
        body.AppendLine("| shape | N | lists | layout | schedule | windowed | passes per list | prompt tokens computed per list | x first prompt | largest batch (tokens) | rankings/s | x OnePerStep + Rebuilt |");
        body.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var shape in shapes)
        {
            var config = shape switch
            {
                "tiny" => Qwen2Config.Tiny(151_936),
                "0.5B" => Qwen2Config.Qwen25_0_5B(),
                _ => throw new ArgumentException($"Unknown shape '{shape}': use tiny or 0.5B."),
            };
            manual_seed(0);
            using var model = new Qwen2ForCausalLM(config);
            model.eval();
            foreach (int n in shape == "tiny" ? sizes : largeSizes)
            {
                int lists = shape == "tiny" ? Math.Max(1, 160 / n) : 1;
                double baseline = 0;
                foreach (var layout in new[] { PromptLayout.Rebuilt, PromptLayout.AppendOnly })
                foreach (var (name, schedule) in Schedules)
                {
                    var queries = RandomPrompts.CreateLists(lists, n, 120, 30, seed: 0);
                    var ranker = new IterativeRanker(RandomPrompts.Bundle(model, layout), new RankerOptions { Schedule = schedule });
                    var watch = Stopwatch.StartNew();
                    var results = ranker.Rank(queries);
                    double perSecond = lists / watch.Elapsed.TotalSeconds;
                    if (schedule.IsOnePerStep && layout == PromptLayout.Rebuilt) baseline = perSecond;
                    if (results.Any(r => r.Order.Count != n)) throw new InvalidOperationException("A ranking is not a full permutation.");
                    double passes = results.Average(r => r.Steps.Count(s => s.LogProbs is not null));
                    var c = ranker.LastCounters;
                    body.AppendLine(Invariant(
                        $"| {shape} | {n} | {lists} | {layout} | {name} | {(ranker.LastWindowedLists > 0 ? "yes" : "no")} | {passes:F1} | {(double)c.ComputedPromptTokens / lists:N0} | {(double)c.ComputedPromptTokens / lists / (120 + 30 * n):F2} | {c.LargestBatchTokens:N0} | {perSecond:F3} | {perSecond / baseline:F2} |"));
                    Console.WriteLine(Invariant($"speed {shape} N={n} {layout} {name}: {perSecond:F3} rankings/s, {passes:F1} passes/list"));
                }
            }
        }
        body.AppendLine();
    }

    private static double StandardError(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / Math.Max(1, values.Count - 1) / values.Count);
    }

    private static float[] Labels(RankingResult result) => result.Query.Candidates.Select(c => c.Label ?? 0).ToArray();

    private static string? Option(string[] args, string name, string? fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
