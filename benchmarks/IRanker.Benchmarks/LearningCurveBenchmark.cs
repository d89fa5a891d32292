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
/// How many warm-start prompts a model trained from scratch needs before it ranks better than chance: the quickstart's
/// model and warm-start recipe on chosen Ranking-bench-mini tasks, with held-out MRR every few steps.
/// </summary>
/// <remarks>
/// Arguments: <c>--tasks A,B</c> (default the three passage tasks), <c>--steps N</c> (warm-start steps, default 2400),
/// <c>--batch N</c> (prompts per step, default 16 as in the quickstart), <c>--every N</c> (steps between evaluations,
/// default 400), <c>--train N</c> / <c>--test N</c> (lists per task, default 3000 / 60), <c>--data-version 1|2</c> (Ranking-bench-mini's generator version, default 1), <c>--threads N</c> (default 2),
/// <c>--seed N</c> (model initialisation and sampling, default 1; the data's seed stays 1); for ablations
/// <c>--lr X</c> (default 1e-3), <c>--lm-weight X</c> (next-token loss weight, default 1), <c>--hidden N</c>,
/// <c>--heads N</c>, <c>--kv-heads N</c>, <c>--layers N</c>, <c>--rope-theta X</c> (default <see cref="Qwen2Config.Small"/>'s 128, 4, 2, 2, 1e6;
/// the feed-forward width stays three times the hidden size).
/// The model is the quickstart's (<see cref="Qwen2Config.Small"/>, compact vocabulary from the training data, the
/// compact prompt style of the estimator's scratch models, Choice decoding); the options mirror the estimator's scratch defaults (lr 1e-3 after 20 warm-up
/// steps, next-token loss over the prompt with weight 1, micro-batches of 8, candidates in input order).
/// </remarks>
internal sealed class LearningCurveBenchmark : IBenchmarkCommand
{
    public string Title => "Learning curve from scratch (CPU): warm start on the passage tasks";

    public string Run(string[] args)
    {
        var tasks = BenchmarkArguments.Option(args, "--tasks", "Passage-5,Passage-7,Passage-9").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int steps = BenchmarkArguments.Int(args, "--steps", 2400), batch = BenchmarkArguments.Int(args, "--batch", 16), every = BenchmarkArguments.Int(args, "--every", 400);
        int trainLists = BenchmarkArguments.Int(args, "--train", 3000), testLists = BenchmarkArguments.Int(args, "--test", 60), threads = BenchmarkArguments.Int(args, "--threads", 2), seed = BenchmarkArguments.Int(args, "--seed", 1);
        const double defaultLr = 1e-3, defaultLmWeight = 1.0;
        double lr = BenchmarkArguments.Double(args, "--lr", defaultLr, zeroAllowed: true), lmWeight = BenchmarkArguments.Double(args, "--lm-weight", defaultLmWeight, zeroAllowed: true);
        var shape = Qwen2Config.Small(1);
        double ropeTheta = BenchmarkArguments.Double(args, "--rope-theta", shape.RopeTheta, zeroAllowed: true);
        int hidden = BenchmarkArguments.Int(args, "--hidden", shape.HiddenSize), heads = BenchmarkArguments.Int(args, "--heads", shape.NumAttentionHeads);
        int kvHeads = BenchmarkArguments.Int(args, "--kv-heads", shape.NumKeyValueHeads), layers = BenchmarkArguments.Int(args, "--layers", shape.NumHiddenLayers);
        Qwen2Config Config(int vocab)
        {
            var config = Qwen2Config.Small(vocab);
            config.HiddenSize = hidden;
            config.IntermediateSize = 3 * hidden;
            config.NumAttentionHeads = heads;
            config.NumKeyValueHeads = kvHeads;
            config.NumHiddenLayers = layers;
            config.RopeTheta = ropeTheta;
            return config;
        }
        TorchRuntime.EnsureInitialized();
        set_num_threads(threads);
        string machine = BenchmarkReport.Machine();

        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 1, TrainQueriesPerTask = trainLists, TestQueriesPerTask = testLists, Tasks = tasks, Version = DataVersionArgument.From(args) });
        var train = data.Tasks.SelectMany(t => t.Train).ToList();
        using var ranker = IRankerModel.CreateFromScratch(train, Config, seed: seed, device: CPU, style: PromptStyle.Compact);
        var options = new TrainingOptions
        {
            Mode = DecodingMode.Choice, ShuffleCandidates = false, Seed = seed,
            WarmStartSteps = steps, WarmStartLearningRate = lr, WarmStartBatchSize = batch, WarmupSteps = 20,
            LanguageModelLossWeight = lmWeight, MicroBatchSize = 8, Steps = 0,
        };
        var trainer = new EliminationTrainer(ranker, options);

        var rows = new List<(int Step, double Seconds, Dictionary<string, EvaluationMetrics> Metrics)>();
        var clock = Stopwatch.StartNew();
        double trainingSeconds = 0;
        void Evaluate(int step)
        {
            ranker.Model.eval();
            var metrics = data.Tasks.ToDictionary(t => t.Name, t => trainer.Evaluate(t.Test));
            ranker.Model.train();
            rows.Add((step, trainingSeconds, metrics));
            Console.WriteLine($"step {step} ({trainingSeconds:F0} s of training): " + string.Join("  ", metrics.Select(m => $"{m.Key} MRR {m.Value.Mrr:F3}")));
        }

        Evaluate(0);
        ranker.Model.train();
        trainer.WarmStart(train, TrainingMeasures.OnEachStep(m =>
        {
            trainingSeconds += m.SecondsPerStep;
            if (m.Step % every == 0 || m.Step == m.TotalSteps) Evaluate(m.Step);
        }));

        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd} (UTC)");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {machine}; libtorch threads: {get_num_threads()}");
        body.AppendLine(CultureInfo.InvariantCulture,
            $"- Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- learning-curve --tasks {string.Join(',', tasks)} --steps {steps} --batch {batch} --every {every} --train {trainLists} --test {testLists} --threads {threads} --seed {seed}{ShapeArguments()}`");
        body.AppendLine(CultureInfo.InvariantCulture,
            $"- Ranking-bench-mini (seed 1), {trainLists} training and {testLists} test lists per task. The model: Qwen2 from scratch, hidden {hidden}, {layers} layers, {heads} heads, {kvHeads} KV heads, RoPE theta {ropeTheta:G} ({ranker.Model.ParameterCount / 1e6:F2} M parameters, compact vocabulary of {ranker.Tokenizer.VocabSize} ids), the built-in templates in the compact style (`PromptStyle.Compact`, as the estimator trains models from scratch), Choice decoding. Warm start only: {batch} sub-lists per step (input order), lr {lr}, next-token loss over the prompt (weight {lmWeight}); no GRPO.");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Total wall time {clock.Elapsed.TotalMinutes:F1} min (training {trainingSeconds / 60:F1} min, the rest evaluation).");
        body.AppendLine();
        body.AppendLine("Held-out MRR x100 (iterative elimination, Choice mode) after each number of warm-start steps:");
        body.AppendLine();
        body.AppendLine("| steps | prompts seen | training minutes | " + string.Join(" | ", data.Tasks.Select(t => t.Name)) + " |");
        body.AppendLine("|---|---|---|" + string.Concat(data.Tasks.Select(_ => "---|")));
        foreach (var (step, seconds, metrics) in rows)
            body.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {step} | {step * batch:N0} | {seconds / 60:F1} | ")
                + string.Join(" | ", data.Tasks.Select(t => Percent(metrics[t.Name].Mrr))) + " |");
        body.AppendLine("| BM25 | | | " + string.Join(" | ", data.Tasks.Select(t => Percent(TrainingMeasures.Bm25Mrr(t.Test)))) + " |");
        return body.ToString();

        string ShapeArguments()
        {
            var extra = new StringBuilder();
            if (lr != defaultLr) extra.Append(CultureInfo.InvariantCulture, $" --lr {lr}");
            if (lmWeight != defaultLmWeight) extra.Append(CultureInfo.InvariantCulture, $" --lm-weight {lmWeight}");
            if (hidden != shape.HiddenSize) extra.Append(CultureInfo.InvariantCulture, $" --hidden {hidden}");
            if (heads != shape.NumAttentionHeads) extra.Append(CultureInfo.InvariantCulture, $" --heads {heads}");
            if (kvHeads != shape.NumKeyValueHeads) extra.Append(CultureInfo.InvariantCulture, $" --kv-heads {kvHeads}");
            if (layers != shape.NumHiddenLayers) extra.Append(CultureInfo.InvariantCulture, $" --layers {layers}");
            if (ropeTheta != shape.RopeTheta) extra.Append(CultureInfo.InvariantCulture, $" --rope-theta {ropeTheta}");
            return extra.ToString();
        }
    }

    private static string Percent(double value) => (100 * value).ToString("F1", CultureInfo.InvariantCulture);
}
