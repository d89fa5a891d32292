using IRanker.Datasets;
using IRanker.Datasets.Verl;
using IRanker.Model;
using IRanker.Model.Prompts;

namespace IRanker.Benchmarks;

/// <summary>
/// <c>verl export</c>: writes a training set in verl's RL data layout (docs/scale-out.md). A thin entry over
/// <see cref="VerlExport"/>; it writes no docs section.
/// </summary>
internal static class VerlCommand
{
    private const string Usage =
        "usage: verl export --data <Ranking-bench file (.parquet, .jsonl, .json) or 'mini'> --out <folder> [--mode reasoning|answer] " +
        "[--style chat|compact] [--samples N] [--seed S] [--test-samples N] [--test-data <Ranking-bench file>] [--no-shuffle]";

    public static int Run(string[] args)
    {
        try
        {
            return Export(args);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or RankingBenchFormatException or NotSupportedException or FormatException)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
    }

    private static int Export(string[] args)
    {
        if (args.Length == 0 || !args[0].Equals("export", StringComparison.OrdinalIgnoreCase))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        string? Option(string name)
        {
            int at = Array.FindIndex(args, a => a.Equals(name, StringComparison.OrdinalIgnoreCase));
            return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        }
        var data = Option("--data");
        var outFolder = Option("--out");
        if (data is null || outFolder is null)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var options = new VerlExportOptions
        {
            Mode = Enum.Parse<DecodingMode>(Option("--mode") ?? "reasoning", ignoreCase: true),
            Style = Enum.Parse<PromptStyle>(Option("--style") ?? "chat", ignoreCase: true),
            Samples = Option("--samples") is { } samples ? int.Parse(samples, System.Globalization.CultureInfo.InvariantCulture) : null,
            Seed = Option("--seed") is { } seed ? int.Parse(seed, System.Globalization.CultureInfo.InvariantCulture) : 42,
            ShuffleCandidates = !args.Contains("--no-shuffle", StringComparer.OrdinalIgnoreCase),
        };

        var (train, test) = Load(data, Option("--test-data"));
        Directory.CreateDirectory(outFolder);
        int rows = VerlExport.WriteAsync(Path.Combine(outFolder, "train.parquet"), train, options).GetAwaiter().GetResult();
        Console.WriteLine($"Wrote {rows} steps ({options.Mode}, {options.Style}) from {train.Count} lists to {Path.Combine(outFolder, "train.parquet")}.");
        if (test is { Count: > 0 })
        {
            var testOptions = new VerlExportOptions
            {
                Mode = options.Mode, Style = options.Style, Seed = options.Seed + 1, ShuffleCandidates = options.ShuffleCandidates, Split = "test",
                Samples = Option("--test-samples") is { } n ? int.Parse(n, System.Globalization.CultureInfo.InvariantCulture) : null,
            };
            int testRows = VerlExport.WriteAsync(Path.Combine(outFolder, "test.parquet"), test, testOptions).GetAwaiter().GetResult();
            Console.WriteLine($"Wrote {testRows} steps from {test.Count} lists to {Path.Combine(outFolder, "test.parquet")}.");
        }
        var template = Path.Combine(outFolder, "chat_template.jinja");
        File.WriteAllText(template, VerlExport.ChatTemplate(options.Mode, options.Style));
        Console.WriteLine($"Wrote the chat template that renders the rows to the library's prompts to {template}.");
        return 0;
    }

    /// <summary>Ranking-bench files (training, and optionally test), or "mini": Ranking-bench-mini's default splits.</summary>
    private static (IReadOnlyList<RankingQuery> Train, IReadOnlyList<RankingQuery>? Test) Load(string data, string? testData)
    {
        if (data.Equals("mini", StringComparison.OrdinalIgnoreCase))
        {
            var mini = RankingBenchMini.Generate();
            return (mini.Train, mini.Test);
        }
        return (RankingBenchLoader.Load(data), testData is null ? null : RankingBenchLoader.Load(testData));
    }
}
