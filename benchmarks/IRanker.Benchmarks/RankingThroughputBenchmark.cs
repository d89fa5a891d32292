using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using static System.FormattableString;
using static TorchSharp.torch;

namespace IRanker.Benchmarks;

/// <summary>
/// Rankings per second of <see cref="IterativeRanker"/> on random weights and random token ids, with the lengths of the
/// Hugging Face transformers peer script hf_iranker_peer.py: lists x candidates, a fixed head, a fixed block per candidate,
/// answers of the full token allowance in Answer mode (the random prompts' tokenizer has no stop token), one forward
/// per step in Choice mode; each with and without prefix reuse.
/// </summary>
/// <remarks>
/// Options: <c>--shape tiny|0.5B|3B</c> (default tiny), <c>--device cpu|cuda</c> (default cpu), <c>--lists</c> (16),
/// <c>--candidates</c> (20), <c>--candidate-tokens</c> (30), <c>--head-tokens</c> (120), <c>--answer-tokens</c> (8),
/// <c>--repeats</c> (2), <c>--modes choice,answer</c>, <c>--dtype float32|bfloat16</c> (float32 on cpu, bfloat16 on cuda),
/// <c>--budget</c> (token budget, default 16384). One JSON line per measurement goes to standard output.
/// </remarks>
internal sealed class RankingThroughputBenchmark : IBenchmarkCommand
{
    private string device = "cpu";
    private string shape = "tiny";

    public string Title => $"Ranking throughput, IterativeRanker ({device}, {shape} shape)";

    /// <summary>Receives each measurement's JSON fields instead of standard output (the gpu command files them with its results).</summary>
    public Action<Dictionary<string, object>>? Measured { get; init; }

    public string Run(string[] args)
    {
        shape = Option(args, "--shape", "tiny");
        device = Option(args, "--device", "cpu");
        int lists = int.Parse(Option(args, "--lists", "16"), CultureInfo.InvariantCulture);
        int candidates = int.Parse(Option(args, "--candidates", "20"), CultureInfo.InvariantCulture);
        int candidateTokens = int.Parse(Option(args, "--candidate-tokens", "30"), CultureInfo.InvariantCulture);
        int headTokens = int.Parse(Option(args, "--head-tokens", "120"), CultureInfo.InvariantCulture);
        int answerTokens = int.Parse(Option(args, "--answer-tokens", "8"), CultureInfo.InvariantCulture);
        int repeats = int.Parse(Option(args, "--repeats", "2"), CultureInfo.InvariantCulture);
        int budget = int.Parse(Option(args, "--budget", "16384"), CultureInfo.InvariantCulture);
        var modes = Option(args, "--modes", "choice,answer").Split(',').Select(m => Enum.Parse<DecodingMode>(m, ignoreCase: true)).ToArray();
        var dtype = Option(args, "--dtype", device == "cpu" ? "float32" : "bfloat16") == "bfloat16" ? ScalarType.BFloat16 : ScalarType.Float32;

        TorchRuntime.EnsureInitialized();
        var torchDevice = TorchRuntime.ResolveDevice(device);
        var config = shape switch
        {
            "tiny" => Qwen2Config.Tiny(151_936),
            "0.5B" => Qwen2Config.Qwen25_0_5B(),
            "3B" => Qwen2Config.Qwen25_3B(),
            _ => throw new ArgumentException($"Unknown --shape '{shape}': use tiny, 0.5B or 3B."),
        };
        manual_seed(0);
        using var model = new Qwen2ForCausalLM(config).To(torchDevice, dtype);
        model.eval();
        var bundle = RandomPrompts.Bundle(model);
        var queries = RandomPrompts.CreateLists(lists, candidates, headTokens, candidateTokens, seed: 0);
        long peerPromptTokens = (long)lists * Enumerable.Range(0, candidates - 1).Sum(s => headTokens + candidateTokens * (candidates - s));

        var table = new StringBuilder();
        foreach (var mode in modes)
        {
            foreach (bool reuse in new[] { false, true })
            {
                var options = new RankerOptions
                {
                    Mode = mode, MaxAnswerTokens = answerTokens, ReusePrefixCache = reuse, TokenBudget = budget,
                };
                var ranker = new IterativeRanker(bundle, options);
                ranker.Rank(queries.Take(Math.Min(2, lists)).ToList());          // warm-up
                var seconds = new List<double>();
                bool complete = true;
                for (int r = 0; r < repeats; r++)
                {
                    var watch = Stopwatch.StartNew();
                    var ranked = ranker.Rank(queries);
                    if (torchDevice.type == TorchSharp.DeviceType.CUDA) cuda.synchronize();
                    seconds.Add(watch.Elapsed.TotalSeconds);
                    complete &= ranked.Count == lists && ranked.All(x => x.Order.Order().SequenceEqual(Enumerable.Range(0, candidates)));
                }
                double median = seconds.Order().ElementAt(seconds.Count / 2);
                var counters = ranker.LastCounters;
                var line = new Dictionary<string, object>
                {
                    ["impl"] = "iranker-torchsharp", ["shape"] = shape, ["device"] = device, ["dtype"] = dtype.ToString(),
                    ["params"] = model.ParameterCount, ["lists"] = lists, ["candidates"] = candidates, ["mode"] = mode.ToString(),
                    ["answer_tokens"] = mode == DecodingMode.Answer ? answerTokens : 0, ["prefix_reuse"] = reuse,
                    ["prompt_tokens"] = counters.PromptTokens, ["computed_prompt_tokens"] = counters.ComputedPromptTokens,
                    ["generated_tokens"] = counters.GeneratedTokens,
                    ["peer_prompt_tokens"] = peerPromptTokens, ["seconds"] = Math.Round(median, 4),
                    ["rankings_per_s"] = Math.Round(lists / median, 3), ["threads"] = get_num_threads(),
                    ["repeats"] = repeats, ["complete_rankings"] = complete,
                };
                long fullAnswers = mode == DecodingMode.Answer ? (long)lists * (candidates - 1) * answerTokens : 0;
                if (counters.GeneratedTokens != fullAnswers)
                    throw new InvalidOperationException($"{mode} mode generated {counters.GeneratedTokens} tokens, not the {fullAnswers} of full-length answers: the measurement would not be the peer's.");
                if (Measured is null) Console.WriteLine(JsonSerializer.Serialize(line));
                else Measured(line);
                table.AppendLine(CultureInfo.InvariantCulture,
                    $"| {mode} | {(reuse ? "yes" : "no")} | {counters.PromptTokens:N0} | {counters.ComputedPromptTokens:N0} | {median:F2} | {lists / median:F3} |");
            }
        }

        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} (UTC)");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {BenchmarkReport.Machine()}; libtorch threads: {get_num_threads()}; load average at the end: {LoadAverage()}");
        body.AppendLine($"- Command: `{("dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- ranking " + string.Join(' ', args)).TrimEnd()}`");
        body.AppendLine(
            Invariant($"- Model: {shape} shape ({model.ParameterCount / 1e6:F1} M parameters), random weights, {dtype}, no gradients. {lists} lists x {candidates} candidates ") +
            Invariant($"({candidateTokens} random tokens each, {headTokens} fixed head tokens), token budget {budget}. Answer mode generates exactly {answerTokens} tokens per step; ") +
            "Choice mode runs one forward per step with every remaining candidate's 2-token ID scored in the same pass. " +
            "`computed` counts the prompt tokens that ran through the model; the rest came from the lists' caches.");
        body.AppendLine(Invariant(
            $"- The peer script (hf_iranker_peer.py) builds the same prompt lengths ({peerPromptTokens:N0} prompt tokens per run) and runs them in full every step."));
        body.AppendLine();
        body.AppendLine("| mode | prefix reuse | prompt tokens | computed | seconds (median) | rankings/s |");
        body.AppendLine("|---|---|---|---|---|---|");
        body.Append(table);
        return body.ToString();
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
