using System.Diagnostics;
using System.Globalization;
using System.Text;
using IRanker.Datasets;
using IRanker.Model;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Benchmarks;

/// <summary>
/// Training from scratch on the CPU: a tiny Qwen2 learns Passage-5 of Ranking-bench-mini with the real passage prompt
/// template (Choice decoding): warm start with the prompt LM loss, then GRPO. Reports speed per phase and held-out
/// elimination accuracy and MRR before, after the warm start and after RL, beside BM25.
/// </summary>
/// <remarks>
/// Arguments: <c>--warm-start N</c> (default 600), <c>--steps N</c> (GRPO steps, default 100), <c>--train N</c> (lists,
/// default 500), <c>--threads N</c> (libtorch threads, default 1: on a busy 2-core machine two spinning threads cost
/// several times more per step), <c>--layout rebuilt|append-only</c> (the prompt layout, default rebuilt),
/// <c>--data-version 1|2</c> (Ranking-bench-mini's generator version, default 1).
/// </remarks>
internal sealed class TrainingBenchmark : IBenchmarkCommand
{
    /// <summary>The tag that closes an answer: every Choice continuation (a candidate's ID) ends with it.</summary>
    private const string AnswerClose = "</answer>";

    public string Title => "Training from scratch (CPU): warm start + GRPO on Passage-5";

    public string Run(string[] args)
    {
        int warmStart = Argument(args, "--warm-start", 600);
        int steps = Argument(args, "--steps", 100);
        int trainLists = Argument(args, "--train", 500);
        int threads = Argument(args, "--threads", 1);
        int at = Array.IndexOf(args, "--layout");
        var layout = at >= 0 && at + 1 < args.Length && args[at + 1] == "append-only" ? PromptLayout.AppendOnly : PromptLayout.Rebuilt;
        TorchRuntime.EnsureInitialized();
        set_num_threads(threads);
        manual_seed(1);

        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 7, TrainQueriesPerTask = trainLists, TestQueriesPerTask = 100, Tasks = ["Passage-5"], Version = DataVersionArgument.From(args) });
        var task = data.Tasks.Single();
        var template = PromptTemplate.For(task.Scenario);
        var corpus = task.Train.Concat(task.Test).SelectMany(q => q.Candidates.Select(c => c.Id + AnswerClose)
            .Prepend(template.BuildStep(q, Enumerable.Range(0, q.Candidates.Count).ToArray(), DecodingMode.Choice).Text)
            .Append(layout == PromptLayout.AppendOnly ? template.NextTurn(q, DecodingMode.Choice) : ""));
        var tokenizer = CompactTokenizer.Build(corpus);
        var config = Qwen2Config.Tiny(tokenizer.VocabSize);
        config.HiddenSize = 128; config.NumAttentionHeads = 4; config.NumKeyValueHeads = 4; config.IntermediateSize = 256;
        var model = new Qwen2ForCausalLM(config);
        var options = new TrainingOptions
        {
            Mode = DecodingMode.Choice, ShuffleCandidates = false,
            WarmStartSteps = warmStart, WarmStartLearningRate = 1e-3, WarmStartBatchSize = 32, LanguageModelLossWeight = 1.0, WarmupSteps = 50,
            LearningRate = 3e-4, Steps = steps, PromptsPerStep = 32, GroupSize = 8, KlCoefficient = 0, MicroBatchSize = 512, Seed = 1,
        };

        var phases = new Dictionary<TrainingPhase, (int Steps, double Seconds, double Tokens)>();
        var progress = TrainingMeasures.OnEachStep(m =>
        {
            var p = phases.GetValueOrDefault(m.Phase);
            phases[m.Phase] = (p.Steps + 1, p.Seconds + m.SecondsPerStep, p.Tokens + m.TokensPerSecond * m.SecondsPerStep);
            if (m.Step % 50 == 0) Console.WriteLine($"{m.Phase} {m.Step}/{m.TotalSteps} loss {m.Loss:F3} acc {m.EliminationAccuracy:F3} reward {m.Reward:F3} {m.SecondsPerStep:F2} s/step");
        });
        var trainer = new EliminationTrainer(new IRankerModel(model, tokenizer, template, layout: layout), options);
        var untrained = trainer.Evaluate(task.Test);
        trainer.WarmStart(task.Train, progress);
        var rl = trainer.Train(task.Train, task.Test, progress);
        var warm = rl.InitialEvaluation!;
        double bm25 = TrainingMeasures.Bm25Mrr(task.Test);

        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd} (UTC)");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {BenchmarkReport.Machine()}; libtorch threads: {get_num_threads()}");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- training --warm-start {warmStart} --steps {steps} --train {trainLists} --threads {threads}{(layout == PromptLayout.AppendOnly ? " --layout append-only" : "")}`");
        body.AppendLine(CultureInfo.InvariantCulture,
            $"- Ranking-bench-mini Passage-5 (seed 7): {task.Train.Count} training lists, {task.Test.Count} test lists; PassagePromptTemplate in Choice mode; CompactTokenizer ({tokenizer.VocabSize} ids).");
        body.AppendLine(CultureInfo.InvariantCulture,
            $"- Qwen2 d128, 2 layers, {model.ParameterCount / 1e6:F2} M parameters, trained from scratch. Warm start: 32 sub-lists (input order) per step, lr 1e-3, LM loss weight 1. GRPO: 32 prompts x 8 choices per step, lr 3e-4, no KL.");
        body.AppendLine();
        body.AppendLine("| phase | steps | s/step | tokens/s |");
        body.AppendLine("|---|---|---|---|");
        foreach (var (phase, p) in phases)
            body.AppendLine(CultureInfo.InvariantCulture, $"| {phase} | {p.Steps} | {p.Seconds / Math.Max(1, p.Steps):F3} | {p.Tokens / Math.Max(1e-9, p.Seconds):F0} |");
        body.AppendLine();
        body.AppendLine("| model | step accuracy | MRR |");
        body.AppendLine("|---|---|---|");
        body.AppendLine(CultureInfo.InvariantCulture, $"| untrained | {untrained.StepAccuracy:F3} | {untrained.Mrr:F3} |");
        body.AppendLine(CultureInfo.InvariantCulture, $"| after warm start | {warm.StepAccuracy:F3} | {warm.Mrr:F3} |");
        body.AppendLine(CultureInfo.InvariantCulture, $"| after GRPO | {rl.FinalEvaluation!.StepAccuracy:F3} | {rl.FinalEvaluation.Mrr:F3} |");
        body.AppendLine(CultureInfo.InvariantCulture, $"| BM25 (for comparison) | | {bm25:F3} |");
        return body.ToString();
    }

    private static int Argument(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out int value) ? value : fallback;
    }
}
