using System.Diagnostics;
using System.Globalization;
using System.Text;
using IRanker.Datasets;
using IRanker.MLNet;
using IRanker.MLNet.Rows;
using IRanker.Model;
using IRanker.Model.Elimination;
using Microsoft.ML;

namespace IRanker.Benchmarks;

/// <summary>
/// How much a ranking depends on the order of the candidates: quickstart models rank the quickstart's test lists in
/// their own order, reversed, and under random row orders; then the cost and gain of
/// <see cref="RankerOptions.OrderSamples"/> (several orders per elimination step) on chosen tasks.
/// </summary>
/// <remarks>
/// Arguments: <c>--model LABEL=PATH</c> (a quickstart model zip; repeatable), <c>--untrained</c> (also the quickstart's
/// untrained model, built the same way: the bias of the architecture alone), <c>--seed N</c>, <c>--train N</c>,
/// <c>--test N</c> (the quickstart's data: default 1, 150, 30), <c>--shuffles N</c> (random row orders per list,
/// default 3), <c>--k 1,2,4</c> and <c>--k-model A,B</c> (labels; default the last model) and <c>--k-tasks A,B</c>
/// (default the routing and passage tasks) for the trade-off. Lists are built through <see cref="RankingRows"/> as the
/// ML.NET transformer builds them from rows; candidates keep their IDs in every order, so a reordering moves only where a
/// candidate is listed.
/// </remarks>
internal sealed class OrderSensitivityBenchmark : IBenchmarkCommand
{
    public string Title => "Candidate order: sensitivity and order samples";

    private sealed record ListOutcome(double ReciprocalRank, double Ndcg10, string Top);

    private sealed record Outcome(IReadOnlyList<ListOutcome> Lists, long PromptTokens, double Seconds)
    {
        public double Mrr => Lists.Average(l => l.ReciprocalRank);
        public double Ndcg => Lists.Average(l => l.Ndcg10);
    }

    public string Run(string[] args)
    {
        int seed = Int(args, "--seed", 1), trainLists = Int(args, "--train", 150), testLists = Int(args, "--test", 30), shuffles = Int(args, "--shuffles", 3);
        var ks = Option(args, "--k", "1,2,4").Split(',').Select(k => int.Parse(k, CultureInfo.InvariantCulture)).ToArray();
        var models = Options(args, "--model").Select(m => m.Split('=', 2)).Select(p => (Label: p[0], Path: p[1])).ToList();
        string machine = BenchmarkReport.Machine();
        var clock = Stopwatch.StartNew();

        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = seed, TrainQueriesPerTask = trainLists, TestQueriesPerTask = testLists });
        var kTasks = Option(args, "--k-tasks", string.Join(",", data.Tasks.Where(t => t.Scenario is RankingScenario.Routing or RankingScenario.Passage).Select(t => t.Name)))
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        // The lists exactly as the transformer builds them from the quickstart's rows.
        var tests = data.Tasks.ToDictionary(t => t.Name, t => RankingRows.ToQueries(RankingRows.FromQueries(t.Test)));
        var variants = new List<(string Name, Func<RankingQuery, int, int[]> Order)>
        {
            ("original", (q, _) => Enumerable.Range(0, q.Candidates.Count).ToArray()),
            ("reversed", (q, _) => Enumerable.Range(0, q.Candidates.Count).Reverse().ToArray()),
        };
        for (int s = 1; s <= shuffles; s++)
        {
            int shuffle = s;
            variants.Add(($"shuffle {s}", (q, index) =>
            {
                var order = Enumerable.Range(0, q.Candidates.Count).ToArray();
                new Random(seed * 1_000_003 + shuffle * 7_919 + index).Shuffle(order);
                return order;
            }));
        }

        var ml = new MLContext(seed: seed);
        var transformers = new List<(string Label, IRankerTransformer Ranker)>();
        if (args.Contains("--untrained")) transformers.Add(("untrained", Untrained(ml, data, seed)));
        foreach (var (label, path) in models)
            transformers.Add((label, ((IEnumerable<ITransformer>)ml.Model.Load(path, out _)).OfType<IRankerTransformer>().Single()));
        if (transformers.Count == 0) throw new ArgumentException("Give at least one --model LABEL=PATH or --untrained.");

        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"Machine: {machine}. Date: {DateTime.UtcNow:yyyy-MM-dd}. Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- order {string.Join(' ', args.Select(a => a.Contains(' ') ? $"\"{a}\"" : a))}`.");
        body.AppendLine();
        body.AppendLine(CultureInfo.InvariantCulture, $"The quickstart's test lists (Ranking-bench-mini, seed {seed}, {testLists} per task) ranked with one order per step (OrderSamples = 1) in their own order, reversed, and in {shuffles} random row orders per list. " +
            $"MRR and NDCG@10 in percent; for the random orders the mean and [min–max] over the orders; top-1 = the share of lists whose best candidate is the one of the original order. Candidates keep their IDs in every order.");
        body.AppendLine();

        var k1 = new Dictionary<(string Model, string Variant, string Task), Outcome>();
        foreach (var (label, ranker) in transformers)
        {
            Console.WriteLine($"[{clock.Elapsed.TotalMinutes:0.0} min] order sensitivity of '{label}'");
            body.AppendLine(CultureInfo.InvariantCulture, $"**{label}**");
            body.AppendLine();
            body.AppendLine("| task | MRR original | MRR reversed | MRR random orders | NDCG@10 original | NDCG@10 reversed | NDCG@10 random orders | top-1 kept, reversed | top-1 kept, random orders |");
            body.AppendLine("|---|---|---|---|---|---|---|---|---|");
            var options = ranker.InferenceOptions;
            var rows = new List<string[]>();
            var means = new List<double[]>();
            foreach (var task in data.Tasks)
            {
                foreach (var (name, order) in variants) k1[(label, name, task.Name)] = Rank(ranker, options, tests[task.Name], order);
                var original = k1[(label, "original", task.Name)];
                var reversed = k1[(label, "reversed", task.Name)];
                var random = variants.Skip(2).Select(v => k1[(label, v.Name, task.Name)]).ToList();
                double[] values =
                [
                    original.Mrr, reversed.Mrr, random.Average(r => r.Mrr), original.Ndcg, reversed.Ndcg, random.Average(r => r.Ndcg),
                    Agreement(original, reversed), random.Average(r => Agreement(original, r)),
                ];
                means.Add(values);
                body.AppendLine(CultureInfo.InvariantCulture, $"| {task.Name} | {P(original.Mrr)} | {P(reversed.Mrr)} | {P(values[2])} [{P(random.Min(r => r.Mrr))}–{P(random.Max(r => r.Mrr))}] | " +
                    $"{P(original.Ndcg)} | {P(reversed.Ndcg)} | {P(values[5])} [{P(random.Min(r => r.Ndcg))}–{P(random.Max(r => r.Ndcg))}] | {P(values[6])}% | {P(values[7])}% |");
                Console.WriteLine($"  {task.Name}: MRR {P(original.Mrr)} / {P(reversed.Mrr)} / {P(values[2])}, top-1 kept {P(values[6])}% / {P(values[7])}%");
            }
            string Mean(int i) => P(means.Average(v => v[i]));
            body.AppendLine($"| mean of the tasks | {Mean(0)} | {Mean(1)} | {Mean(2)} | {Mean(3)} | {Mean(4)} | {Mean(5)} | {Mean(6)}% | {Mean(7)}% |");
            body.AppendLine();
        }

        foreach (string kLabel in Option(args, "--k-model", transformers[^1].Label).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var kRanker = transformers.Single(t => t.Label == kLabel).Ranker;
            body.AppendLine(CultureInfo.InvariantCulture, $"**Order samples (k orders per step), model '{kLabel}'**: the same lists in their own order and reversed. " +
                $"Prompt tokens and time are per list, for the original order (the machine's load varies, so the time is indicative; the tokens are exact).");
            body.AppendLine();
            body.AppendLine("| task | k | MRR original | MRR reversed | NDCG@10 original | NDCG@10 reversed | top-1 kept, reversed | prompt tokens per list | ms per list |");
            body.AppendLine("|---|---|---|---|---|---|---|---|---|");
            foreach (string task in kTasks)
            {
                foreach (int k in ks)
                {
                    Console.WriteLine($"[{clock.Elapsed.TotalMinutes:0.0} min] {kLabel}: {task}, k = {k}");
                    Outcome original, reversed;
                    if (k == 1 && k1.ContainsKey((kLabel, "original", task)))
                    {
                        original = k1[(kLabel, "original", task)];
                        reversed = k1[(kLabel, "reversed", task)];
                    }
                    else
                    {
                        var sampled = kRanker.WithOrderSamples(k);
                        original = Rank(sampled, sampled.InferenceOptions, tests[task], variants[0].Order);
                        reversed = Rank(sampled, sampled.InferenceOptions, tests[task], variants[1].Order);
                    }
                    int lists = original.Lists.Count;
                    body.AppendLine(CultureInfo.InvariantCulture, $"| {task} | {k} | {P(original.Mrr)} | {P(reversed.Mrr)} | {P(original.Ndcg)} | {P(reversed.Ndcg)} | {P(Agreement(original, reversed))}% | " +
                        $"{original.PromptTokens / lists:N0} | {1000 * original.Seconds / lists:0} |");
                }
            }
            body.AppendLine();
        }
        body.AppendLine();
        body.AppendLine(CultureInfo.InvariantCulture, $"Wall time of the whole run: {clock.Elapsed.TotalMinutes:0.0} min.");
        foreach (var (_, ranker) in transformers) ranker.Dispose();
        return body.ToString();
    }

    /// <summary>Ranks <paramref name="lists"/> with each list's rows in <paramref name="order"/> (order[place] = the original row).</summary>
    private static Outcome Rank(IRankerTransformer transformer, RankerOptions options, IReadOnlyList<RankingQuery> lists, Func<RankingQuery, int, int[]> order)
    {
        var ranker = new IterativeRanker(transformer.Model!, options);
        var orders = lists.Select((q, i) => order(q, i)).ToArray();
        var reordered = lists.Select((q, i) => q with { Candidates = orders[i].Select(c => q.Candidates[c]).ToArray() }).ToList();
        var clock = Stopwatch.StartNew();
        var results = ranker.Rank(reordered);
        double seconds = clock.Elapsed.TotalSeconds;
        var outcomes = results.Select(r =>
        {
            var labels = r.Query.Candidates.Select(c => c.Label ?? 0f).ToArray();
            return new ListOutcome(ListMetrics.ReciprocalRank(r.Order, labels), ListMetrics.Ndcg(r.Order, labels, 10), r.Query.Candidates[r.Order[0]].Id);
        }).ToList();
        return new Outcome(outcomes, ranker.LastCounters.PromptTokens, seconds);
    }

    /// <summary>The share of lists whose best candidate is the same in both runs.</summary>
    private static double Agreement(Outcome a, Outcome b) => a.Lists.Zip(b.Lists).Count(p => p.First.Top == p.Second.Top) / (double)a.Lists.Count;

    /// <summary>The quickstart's untrained model: its trainer with no training steps on the same training rows.</summary>
    private static IRankerTransformer Untrained(MLContext ml, RankingBenchMiniDataset data, int seed)
    {
        var train = ml.Data.LoadFromEnumerable(RankingRows.FromQueries(data.Train));
        var options = new IRankerOptions
        {
            ModelPath = null,
            TaskColumnName = "Task",
            CandidateIdColumnName = "CandidateId",
            WarmStartSteps = 0,
            TrainingSteps = 0,
            DecodingMode = DecodingMode.Choice,
            Seed = seed,
            Device = "cpu",
        };
        var chain = ml.Transforms.Conversion.MapValueToKey("GroupId").Append(ml.Ranking.Trainers.IRanker(options)).Fit(train);
        return ((IEnumerable<ITransformer>)chain).OfType<IRankerTransformer>().Single();
    }

    private static string P(double value) => (100 * value).ToString("F1", CultureInfo.InvariantCulture);

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
}
