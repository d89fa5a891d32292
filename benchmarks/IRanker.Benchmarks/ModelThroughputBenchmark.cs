using System.Diagnostics;
using System.Globalization;
using System.Text;
using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Benchmarks;

/// <summary>
/// Prefill and decode throughput of the Qwen2 forward pass on the CPU, with random weights, at the tiny test shape
/// and the Qwen2.5-0.5B shape (float32, logits only at the last position, KV cache for decoding).
/// </summary>
internal sealed class ModelThroughputBenchmark : IBenchmarkCommand
{
    private sealed record Case(string Name, Qwen2Config Config, int Batch, int PromptLength, int DecodeSteps, int Repeats);

    public string Title => "Model forward throughput (CPU)";

    public string Run(string[] args)
    {
        TorchRuntime.EnsureInitialized();
        manual_seed(0);
        var cases = new[]
        {
            new Case("tiny (Qwen2Config.Tiny(1024))", Qwen2Config.Tiny(1024), Batch: 8, PromptLength: 128, DecodeSteps: 32, Repeats: 5),
            new Case("Qwen2.5-0.5B shape", Qwen2Config.Qwen25_0_5B(), Batch: 4, PromptLength: 128, DecodeSteps: 8, Repeats: 1),
        };
        var rows = new StringBuilder();
        foreach (var c in cases)
        {
            Console.WriteLine($"{c.Name}: building model...");
            var model = new Qwen2ForCausalLM(c.Config);
            model.eval();
            Measure(model, c, warmup: true);
            var (prefill, decode) = Measure(model, c, warmup: false);
            Console.WriteLine($"{c.Name}: prefill {prefill:F0} tokens/s, decode {decode:F1} tokens/s");
            rows.AppendLine(CultureInfo.InvariantCulture,
                $"| {c.Name} | {model.ParameterCount / 1e6:F1} M | {c.Batch} x {c.PromptLength} | {prefill:F0} | {c.Batch} x {c.DecodeSteps} | {decode:F1} |");
            model.Dispose();
        }
        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"- Date: {DateTime.UtcNow:yyyy-MM-dd} (UTC)");
        body.AppendLine(CultureInfo.InvariantCulture, $"- Machine: {BenchmarkReport.Machine()}; libtorch threads: {get_num_threads()}");
        body.AppendLine("- Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- model`");
        body.AppendLine("- Random weights, float32, no gradients. Prefill: one forward over the prompt batch, logits at the last position only. " +
                        "Decode: one token per row per step with the KV cache (batch x steps tokens), logits of the new token.");
        body.AppendLine();
        body.AppendLine("| shape | parameters | prefill batch x tokens | prefill tokens/s | decode batch x steps | decode tokens/s |");
        body.AppendLine("|---|---|---|---|---|---|");
        body.Append(rows);
        return body.ToString();
    }

    private static (double Prefill, double Decode) Measure(Qwen2ForCausalLM model, Case c, bool warmup)
    {
        int repeats = warmup ? 1 : c.Repeats;
        int steps = warmup ? 2 : c.DecodeSteps;
        double prefillSeconds = 0, decodeSeconds = 0;
        using var noGrad = no_grad();
        for (int r = 0; r < repeats; r++)
        {
            using var scope = NewDisposeScope();
            var ids = randint(0, c.Config.VocabSize, [c.Batch, c.PromptLength], dtype: ScalarType.Int64);
            var last = full(c.Batch, c.PromptLength - 1, dtype: ScalarType.Int64);
            using var cache = new KVCache(c.Config.NumHiddenLayers);
            var watch = Stopwatch.StartNew();
            var next = model.Forward(ids, cache: cache, logitPositions: last).Logits.argmax(-1);   // [batch, 1]
            prefillSeconds += watch.Elapsed.TotalSeconds;
            watch.Restart();
            for (int s = 0; s < steps; s++)
            {
                using var step = NewDisposeScope();
                next = model.Forward(next, cache: cache).Logits.argmax(-1).MoveToOuterDisposeScope();
            }
            decodeSeconds += watch.Elapsed.TotalSeconds;
        }
        return (repeats * c.Batch * c.PromptLength / prefillSeconds, repeats * c.Batch * steps / decodeSeconds);
    }
}
