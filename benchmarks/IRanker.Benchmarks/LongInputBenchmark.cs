using System.Diagnostics;
using System.Globalization;
using System.Text;
using IRanker.Datasets;
using IRanker.MLNet.Rows;
using IRanker.Model;
using IRanker.Model.Prompts;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.Benchmarks;

/// <summary>
/// <c>Transform</c> of the quickstart's model on inputs a careless or hostile user gives it: one 100 KB candidate, one
/// 2 MB candidate, a list of 300 short candidates (fits one prompt) and a list of 300 passages (does not). Each case runs
/// in a process of its own (peak RSS = that process's VmHWM), with glibc's allocator as the library tunes it and with
/// the tuning turned off (<c>IRANKER_MALLOC_TUNING=0</c>).
/// </summary>
/// <remarks>
/// Options: <c>--model</c> (the quickstart's zip; default samples/IRanker.Quickstart/output/iranker-model.zip),
/// <c>--data</c> (its Ranking-bench-mini test.tsv, for realistic texts; default next to the zip),
/// <c>--cases</c> (comma-separated; default all), <c>--repeats</c> (runs per case and allocator setting; default 1).
/// </remarks>
internal sealed class LongInputBenchmark : IBenchmarkCommand
{
    private static readonly string[] AllCases = ["candidate-100k", "candidate-2m", "list-300-short", "list-300-passages"];

    public string Title => "Long inputs: Transform's time and peak memory (quickstart model)";

    public string Run(string[] args)
    {
        if (Option(args, "--case", "") is { Length: > 0 } single) return RunCase(single, args);

        string model = Path.GetFullPath(Option(args, "--model", Path.Combine("samples", "IRanker.Quickstart", "output", "iranker-model.zip")));
        string data = Path.GetFullPath(Option(args, "--data", Path.Combine(Path.GetDirectoryName(model)!, "ranking-bench-mini", "test.tsv")));
        var cases = Option(args, "--cases", string.Join(',', AllCases)).Split(',');
        int repeats = int.Parse(Option(args, "--repeats", "1"), CultureInfo.InvariantCulture);
        string machine = BenchmarkReport.Machine();

        var rows = new List<string>();
        for (int r = 0; r < repeats; r++)
        {
            foreach (string name in cases)
            {
                foreach (bool tuned in new[] { false, true })
                {
                    Console.WriteLine($"{name}, allocator {(tuned ? "tuned" : "untuned")} (run {r + 1}/{repeats})");
                    var env = new Dictionary<string, string> { ["IRANKER_MALLOC_TUNING"] = tuned ? "1" : "0" };
                    var result = ChildProcess.Run(["long-inputs", "--case", name, "--model", model, "--data", data], env);
                    Console.WriteLine($"  {string.Join(", ", result.Select(f => $"{f.Key} {f.Value}"))}");
                    rows.Add($"| {name} | {(tuned ? "tuned" : "untuned")} | {result["prompt_tokens"]} | {result["outcome"]} | {result["wall_s"]} | {result["user_s"]} | {result["system_s"]} | {result["peak_rss_mib"]} |");
                }
            }
        }

        var body = new StringBuilder();
        body.AppendLine($"Machine: {machine}. Date: {DateTime.UtcNow:yyyy-MM-dd}. Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- long-inputs`");
        body.AppendLine("(after the quickstart has written its model). Each row is one process: load the zip, `Transform` one list, read the scores.");
        body.AppendLine("Times include loading the model and the .NET runtime; peak RSS is the process's VmHWM. \"tuned\" is the library's");
        body.AppendLine("default glibc allocator settings, \"untuned\" the same run with `IRANKER_MALLOC_TUNING=0` (docs/runtime.md).");
        body.AppendLine();
        body.AppendLine("| case | allocator | prompt tokens (whole list) | outcome | wall s | user s | system s | peak RSS MiB |");
        body.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) body.AppendLine(row);
        return body.ToString();
    }

    // One case, in this (child) process.
    private static string RunCase(string name, string[] args)
    {
        var clock = Stopwatch.StartNew();
        var ml = new MLContext(seed: 1);
        var passages = File.ReadLines(Option(args, "--data", "")).Skip(1).Select(l => l.Split('\t'))
            .Where(f => f.Length >= 6 && f[5].StartsWith("Passage", StringComparison.Ordinal)).ToList();
        if (passages.Count == 0) throw new InvalidOperationException("The data file has no passage rows.");
        string query = passages[0][1];
        string[] texts = passages.Select(p => p[2]).Distinct().ToArray();

        string Long(int bytes)
        {
            var text = new StringBuilder();
            for (int i = 0; text.Length < bytes; i++) text.Append(texts[i % texts.Length]).Append(' ');
            return text.ToString(0, bytes);
        }

        string[] candidates = name switch
        {
            "candidate-100k" => [texts[0], Long(100 * 1024), texts[1], texts[2], texts[3]],
            "candidate-2m" => [texts[0], Long(2 * 1024 * 1024), texts[1], texts[2], texts[3]],
            "list-300-short" => Enumerable.Range(0, 300).Select(i => string.Join(' ', texts[i % texts.Length].Split(' ').Take(3))).ToArray(),
            "list-300-passages" => Enumerable.Range(0, 300).Select(i => texts[i % texts.Length]).ToArray(),
            _ => throw new ArgumentException($"Unknown case '{name}'; the cases are {string.Join(", ", AllCases)}."),
        };
        var rows = candidates.Select((c, i) => new RankingRow
        {
            GroupId = 1, Query = query, Candidate = c, CandidateId = $"passage {i + 1}", Label = 0, Task = "Passage-5",
        }).ToArray();

        var model = ml.Model.Load(Option(args, "--model", ""), out _);
        string outcome;
        try
        {
            float[] scores = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<float>("Score").ToArray();
            outcome = $"ranked {scores.Length} candidates";
        }
        catch (PromptTooLongException e)
        {
            outcome = e.CandidateIndex is int c
                ? $"PromptTooLongException: candidate {c} needs {e.Positions:N0} positions > {e.MaxPositions:N0}"
                : $"PromptTooLongException: the list needs {e.Positions:N0} positions > {e.MaxPositions:N0}";
        }
        int promptTokens = PromptTokens(model, rows);
        ChildProcess.Report(clock, [("outcome", outcome), ("prompt_tokens", promptTokens.ToString("N0", CultureInfo.InvariantCulture))]);
        return "";
    }

    // The first step's prompt of the whole list, counted with the model's own tokenizer and template.
    private static int PromptTokens(ITransformer model, RankingRow[] rows)
    {
        var transformer = ((IEnumerable<ITransformer>)model).OfType<IRanker.MLNet.IRankerTransformer>().Single();
        var irModel = transformer.Model ?? throw new InvalidOperationException("The pipeline's transformer holds no IRanker model.");
        var query = new RankingQuery(rows[0].Query, rows.Select(r => new RankingCandidate(r.CandidateId, r.Candidate)).ToArray(), RankingScenario.Passage, "Passage-5");
        var prompt = irModel.TemplateFor(query).BuildStep(query, Enumerable.Range(0, rows.Length).ToArray(), DecodingMode.Choice).Text;
        return irModel.Tokenizer.Encode(prompt).Count;
    }

    private static string Option(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }
}
