using System.Diagnostics;
using System.Globalization;
using IRanker.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Benchmarks.Gpu;

/// <summary>
/// <c>gpu</c>: proves the CUDA path in one process. Parts, in this order unless <c>--parts</c> says otherwise:
/// <c>runtime</c> (where libtorch came from, the device, a matmul), <c>golden</c> (model logits and greedy tokens against
/// transformers, float32 and bfloat16), <c>tokenizer</c> (ids against Hugging Face tokenizers), <c>ranking</c> (rankings/s
/// in Choice and Answer modes per shape), <c>training</c> (GRPO steps in bfloat16). Each result is a JSON line with
/// "part" and "pass", followed by PASS or FAIL; the exit code is 1 when any check failed.
/// </summary>
/// <remarks>
/// Options: <c>--device cuda|cuda:N|cpu</c> (cuda), <c>--dry-run</c> (tiny shapes, few lists and steps: for a CPU),
/// <c>--parts</c> (runtime,golden,tokenizer,ranking,training), <c>--shapes</c> (ranking shapes, 0.5B,3B; tiny in a dry run),
/// <c>--repeats</c> (ranking repeats, 2), <c>--out</c> (a file the JSON lines are appended to, flushed after each),
/// <c>--fixtures</c> (golden folders; default the copy beside the program), <c>--tokenizer</c> (the Qwen tokenizer folder with
/// its *encodings.json; default the copy beside the program).
/// </remarks>
internal static class GpuCheckCommand
{
    public static int Run(string[] args)
    {
        bool dry = args.Contains("--dry-run");
        string deviceName = Option(args, "--device", "cuda");
        var parts = Option(args, "--parts", "runtime,golden,tokenizer,ranking,training").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var shapes = Option(args, "--shapes", dry ? "tiny" : "0.5B,3B").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string repeats = Option(args, "--repeats", dry ? "1" : "2");
        string fixtures = Option(args, "--fixtures", Path.Combine(AppContext.BaseDirectory, "Fixtures", "golden"));
        string tokenizer = Option(args, "--tokenizer", Path.Combine(AppContext.BaseDirectory, "Fixtures", "tokenizers", "qwen"));
        var results = new CheckResults(args.Contains("--out") ? Option(args, "--out", "") : null);
        var unknown = parts.Except(["runtime", "golden", "tokenizer", "ranking", "training"]).ToList();
        if (unknown.Count > 0)
        {
            Console.Error.WriteLine($"Unknown part(s) {string.Join(", ", unknown)}: use runtime, golden, tokenizer, ranking, training.");
            return 2;
        }

        Device? device = null;
        results.Guard("runtime", () => device = RuntimePart(deviceName, dry, results));
        if (device is null) return 1;   // without a device nothing else can run
        var onDevice = device;
        foreach (var part in parts.Where(p => p != "runtime"))
        {
            var watch = Stopwatch.StartNew();
            Console.WriteLine($"== {part} on {onDevice}{(dry ? " (dry run)" : "")}");
            switch (part)
            {
                case "golden":
                    results.Guard("golden", () => GoldenCheck.Run(fixtures, onDevice, results));
                    break;
                case "tokenizer":
                    results.Guard("tokenizer", () => TokenizerCheck.Run(tokenizer, results));
                    break;
                case "training":
                    results.Guard("training", () => TrainingCheck.Run(dry ? TrainingCheck.Dry : TrainingCheck.Full, tokenizer, onDevice, ScalarType.BFloat16, results));
                    break;
                case "ranking":
                    foreach (var shape in shapes) results.Guard($"ranking {shape}", () => RankingPart(shape, deviceName, dry, repeats, results));
                    break;
            }
            Console.WriteLine($"== {part} took {watch.Elapsed.TotalSeconds:F1} s");
        }
        Console.WriteLine(results.AnyFailed ? "FAIL: at least one check failed" : "PASS: every check passed");
        return results.AnyFailed ? 1 : 0;
    }

    private static Device RuntimePart(string deviceName, bool dry, CheckResults results)
    {
        var report = TorchRuntime.EnsureInitialized();
        var device = TorchRuntime.ResolveDevice(deviceName);
        bool isCuda = device.type == DeviceType.CUDA;
        // A matmul on the device, so that the report says the device computes and how fast.
        int n = dry ? 256 : 8192;
        var dtype = isCuda ? ScalarType.BFloat16 : ScalarType.Float32;
        double seconds;
        double check;
        using (var scope = NewDisposeScope())
        {
            var a = randn([n, n], dtype, device);
            var b = randn([n, n], dtype, device);
            a.matmul(b);
            if (isCuda) cuda.synchronize();
            var watch = Stopwatch.StartNew();
            const int reps = 5;
            Tensor c = a;
            for (int i = 0; i < reps; i++) c = a.matmul(b);
            if (isCuda) cuda.synchronize();
            seconds = watch.Elapsed.TotalSeconds / reps;
            check = c.to(ScalarType.Float32).isfinite().all().item<bool>() ? 1 : 0;
        }
        results.Report("runtime", check == 1 && (!deviceName.StartsWith("cuda", StringComparison.Ordinal) || report.CudaAvailable), new()
        {
            ["libtorch"] = report.LibTorchSource, ["patches"] = report.Patches, ["cuda_available"] = report.CudaAvailable,
            ["cuda_error"] = report.CudaError, ["cuda_devices"] = report.CudaAvailable ? cuda.device_count() : 0,
            ["device"] = device.ToString(), ["gpu"] = isCuda ? GpuName() : null, ["threads"] = get_num_threads(),
            ["matmul_tf32"] = isCuda ? backends.cuda.matmul.allow_tf32 : null,
            ["matmul"] = $"{n}^3 {dtype}", ["matmul_tflops"] = Math.Round(2.0 * n * n * n / seconds / 1e12, 4),
            ["dry_run"] = dry, ["dotnet"] = Environment.Version.ToString(), ["utc"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        });
        return device;
    }

    private static void RankingPart(string shape, string deviceName, bool dry, string repeats, CheckResults results)
    {
        // The peer script's lengths (hf_iranker_peer.py: 16 lists x 20 candidates, 30 tokens each, 120 head tokens, 8 answer tokens);
        // a dry run keeps the per-candidate and answer lengths and shrinks the lists.
        var rankingArgs = new List<string> { "--shape", shape, "--device", deviceName, "--repeats", repeats, "--dtype", "bfloat16" };
        if (dry) rankingArgs.AddRange(["--lists", "2", "--candidates", "4", "--head-tokens", "40"]);
        var benchmark = new RankingThroughputBenchmark
        {
            Measured = line => results.Report("ranking", line["complete_rankings"] is true, line.ToDictionary(x => x.Key, x => (object?)x.Value)),
        };
        benchmark.Run([.. rankingArgs]);
    }

    private static string? GpuName()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", "--query-gpu=name --format=csv,noheader -i 0") { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is null) return null;
            string name = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return name;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
