using System.Diagnostics;
using IRanker.Model;
using IRanker.Model.Modeling;
using IRanker.Model.Text;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Benchmarks.Gpu;

/// <summary>
/// A few reinforcement-learning steps (GRPO, Choice rollouts) of a randomly initialised model in bfloat16 on the device,
/// with the Qwen tokenizer and a synthetic passage-ranking task: seconds per step, tokens per second, and peak GPU memory.
/// Random weights cost the same compute as trained ones; the check is that the steps run, stay finite, and how fast.
/// </summary>
internal static class TrainingCheck
{
    /// <summary>The sizes of one run: the model shape, the task and the batch.</summary>
    public sealed record Plan(string Shape, int Queries, int Candidates, int WordsPerPassage, int GroupSize, int PromptsPerStep, int MicroBatch, int Steps);

    public static Plan Full { get; } = new("0.5B", Queries: 64, Candidates: 8, WordsPerPassage: 24, GroupSize: 8, PromptsPerStep: 8, MicroBatch: 8, Steps: 4);

    public static Plan Dry { get; } = new("tiny", Queries: 8, Candidates: 4, WordsPerPassage: 6, GroupSize: 2, PromptsPerStep: 2, MicroBatch: 2, Steps: 2);

    public static void Run(Plan plan, string tokenizerFolder, Device device, ScalarType dtype, CheckResults results)
    {
        var tokenizer = QwenTokenizer.Load(tokenizerFolder);
        var config = plan.Shape == "0.5B" ? Qwen2Config.Qwen25_0_5B() : Qwen2Config.Tiny(tokenizer.VocabSize);
        if (config.VocabSize < tokenizer.VocabSize) throw new InvalidOperationException($"The {plan.Shape} shape's vocabulary ({config.VocabSize}) is smaller than the tokenizer's ({tokenizer.VocabSize}).");
        var queries = SyntheticPassages.Queries(plan.Queries, plan.Candidates, plan.WordsPerPassage, seed: 7);
        manual_seed(0);
        using var memory = device.type == TorchSharp.DeviceType.CUDA ? DeviceMemoryProbe.Start(device.index < 0 ? 0 : device.index) : null;
        using var model = new Qwen2ForCausalLM(config).To(device, dtype);
        var options = new TrainingOptions
        {
            Algorithm = RlAlgorithm.Grpo, Mode = DecodingMode.Choice, GroupSize = plan.GroupSize, PromptsPerStep = plan.PromptsPerStep,
            MicroBatchSize = plan.MicroBatch, Steps = plan.Steps, LearningRate = 1e-6, Seed = 7,
        };
        var trainer = new EliminationTrainer(model, tokenizer, SyntheticPassages.Prompt, options);
        var steps = new List<TrainingStepMetrics>();
        var watch = Stopwatch.StartNew();
        var summary = trainer.Train(queries, eval: null, TrainingMeasures.OnEachStep(m =>
        {
            steps.Add(m);
            Console.WriteLine($"  training step {m.Step}/{m.TotalSteps}: loss {m.Loss:F4}, reward {m.Reward:F3}, {m.SecondsPerStep:F2} s, {m.TokensPerSecond:F0} tokens/s");
        }));
        if (device.type == TorchSharp.DeviceType.CUDA) cuda.synchronize();
        double seconds = watch.Elapsed.TotalSeconds;

        // The first step pays for one-time set-up (kernels, allocator growth, the KL reference copy): the steady numbers leave it out.
        var steady = steps.Count > 1 ? steps.Skip(1).ToList() : steps;
        bool finite = steps.Count == plan.Steps && steps.All(s => double.IsFinite(s.Loss) && double.IsFinite(s.Reward));
        var fields = new Dictionary<string, object?>
        {
            ["shape"] = plan.Shape, ["params"] = model.ParameterCount, ["device"] = device.ToString(), ["dtype"] = dtype.ToString(),
            ["algorithm"] = "GRPO", ["rollouts"] = "Choice", ["group_size"] = plan.GroupSize, ["prompts_per_step"] = plan.PromptsPerStep,
            ["micro_batch"] = plan.MicroBatch, ["candidates"] = plan.Candidates, ["steps"] = steps.Count, ["seconds_total"] = Math.Round(seconds, 3),
            ["seconds_per_step_first"] = steps.Count > 0 ? Math.Round(steps[0].SecondsPerStep, 4) : null,
            ["seconds_per_step"] = steady.Count > 0 ? Math.Round(Median(steady.Select(s => s.SecondsPerStep)), 4) : null,
            ["tokens_per_s"] = steady.Count > 0 ? Math.Round(Median(steady.Select(s => s.TokensPerSecond)), 1) : null,
            ["losses"] = steps.Select(s => Math.Round(s.Loss, 6)).ToArray(), ["rewards"] = steps.Select(s => Math.Round(s.Reward, 4)).ToArray(),
            ["finished_steps"] = summary.ReinforcementSteps,
        };
        if (memory is not null) foreach (var (key, value) in memory.Fields()) fields[key] = value;
        else fields["memory_source"] = "not measured (no CUDA device or no nvidia-smi)";
        results.Report("training", finite, fields);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}

/// <summary>
/// Passage-ranking queries made of pseudo-words: one relevant passage (label 2) shares words with the query, the rest
/// (label 0) are drawn from other topics. Only the lengths matter for timing; the labels make the rewards well defined.
/// </summary>
internal static class SyntheticPassages
{
    private const int Topics = 16, WordsPerTopic = 12;
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "pe", "da", "go", "ha", "zu", "fi", "be", "xo"];

    /// <summary>The step prompt: query, then each remaining candidate as <c>[Pn] text</c>, then the question.</summary>
    public static string Prompt(RankingQuery query, IReadOnlyList<int> remaining) =>
        "Query: " + query.Context + "\n" + string.Concat(remaining.Select(i => $"[{query.Candidates[i].Id}] {query.Candidates[i].Text}\n")) +
        "Which passage is least relevant? Answer with its identifier: [";

    public static List<RankingQuery> Queries(int count, int candidates, int wordsPerPassage, int seed)
    {
        var random = new Random(seed);
        var words = Enumerable.Range(0, Topics * WordsPerTopic)
            .Select(n => Syllables[n % 16] + Syllables[n / 16 % 16] + Syllables[(n * 7 + 3) % 16]).ToArray();
        string Passage(int topic) => string.Join(' ', Enumerable.Range(0, wordsPerPassage).Select(_ => words[topic * WordsPerTopic + random.Next(WordsPerTopic)]));
        var result = new List<RankingQuery>(count);
        for (int q = 0; q < count; q++)
        {
            int topic = random.Next(Topics);
            int relevant = random.Next(candidates);
            var items = Enumerable.Range(0, candidates).Select(c => c == relevant
                ? new RankingCandidate($"P{c + 1}", Passage(topic), 2)
                : new RankingCandidate($"P{c + 1}", Passage((topic + 1 + random.Next(Topics - 1)) % Topics), 0)).ToArray();
            result.Add(new RankingQuery(string.Join(' ', Enumerable.Range(0, 4).Select(_ => words[topic * WordsPerTopic + random.Next(WordsPerTopic)])),
                items, RankingScenario.Passage, QueryId: $"synthetic-{q}"));
        }
        return result;
    }
}
