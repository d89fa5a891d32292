using System.Globalization;
using IRanker.Datasets;
using IRanker.Model.Ranking;

namespace IRanker.Quickstart;

/// <summary>Command-line settings of the quickstart. Run with <c>--help</c> for the list.</summary>
internal sealed record QuickstartSettings
{
    public bool Quick { get; init; }
    public int Seed { get; init; } = 1;
    public int TrainListsPerTask { get; init; } = 150;
    public int TestListsPerTask { get; init; } = 30;
    public int WarmStartSteps { get; init; } = 800;
    public int RlSteps { get; init; } = 120;
    public string Output { get; init; } = Path.Combine("samples", "IRanker.Quickstart", "output");
    public string? RealDataFolder { get; init; }
    public string Device { get; init; } = "auto";
    public string? BenchmarksFile { get; init; }

    /// <summary>The Ranking-bench-mini generator version (RankingBenchMiniOptions.Version); version 1 by default.</summary>
    public RankingBenchMiniVersion DataVersion { get; init; } = RankingBenchMiniVersion.V1;

    /// <summary>The prompt layout to train and rank in (IRankerOptions.PromptLayout); null: the library's default.</summary>
    public PromptLayout? Layout { get; init; }
    /// <summary>Training prompts' candidate order (IRankerOptions.ShuffleCandidates): null = the library's default.</summary>
    public bool? ShuffleCandidates { get; init; }

    /// <summary>How often training draws each task's lists relative to the others (IRankerOptions.TaskWeights); empty: equally.</summary>
    public IReadOnlyDictionary<string, double> TaskWeights { get; init; } = new Dictionary<string, double>();

    public const string Usage = """
        IRanker quickstart: builds Ranking-bench-mini, trains a small IRanker from scratch through
        mlContext.Ranking.Trainers.IRanker(), compares it with baselines on the test split, saves and reloads it.

        Options:
          --quick               the same path, smaller (about a minute); what CI runs
          --long                more data and training steps (about 20 minutes on two cores)
          --warm-start-steps N  supervised warm-start steps (default 800; quick 8; long 2000)
          --rl-steps N          GRPO steps after the warm start (default 120; quick 2; long 150)
          --train-lists N       training lists per task (default 150; quick 12; long 500)
          --test-lists N        test lists per task (default 30; quick 3; long 100); training and test
                                lists together at most 600 (the routing tasks' distinct requests)
          --seed N              seed of data, model and training (default 1)
          --data-version 1|2    Ranking-bench-mini generator version (default 1; 2 is calibrated to the
                                paper's baseline rows, docs/data.md)
          --task-weight TASK=W  draw TASK's lists W times as often as the others' (repeatable; default: all 1)
          --layout NAME         rebuilt | append-only: the prompt layout (default: the library's, append-only)
          --shuffle-candidates on|off
                                list each training prompt's candidates in a fresh random order, or
                                not (default: the library's default for a model trained from scratch)
          --device NAME         auto | cpu | cuda | cuda:N (default auto)
          --output DIR          where data, the model zip and results go (default samples/IRanker.Quickstart/output)
          --real-data DIR       also evaluate on real Ranking-bench files (jsonl/parquet) in DIR (docs/data.md)
          --write-benchmarks F  append the result table to the Markdown file F (e.g. docs/benchmarks.md)
        """;

    public static QuickstartSettings Parse(string[] args)
    {
        var s = new QuickstartSettings();
        if (args.Contains("--quick"))
            s = s with { Quick = true, TrainListsPerTask = 12, TestListsPerTask = 3, WarmStartSteps = 8, RlSteps = 2 };
        if (args.Contains("--long"))
            s = s with { TrainListsPerTask = 500, TestListsPerTask = 100, WarmStartSteps = 2000, RlSteps = 150 };
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
            int NextInt()
            {
                string name = args[i], v = Next();
                return int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0
                    ? n : throw new ArgumentException($"Option {name} needs a whole number >= 0, not '{v}'.");
            }
            s = args[i] switch
            {
                "--quick" or "--long" => s,
                "--warm-start-steps" => s with { WarmStartSteps = NextInt() },
                "--rl-steps" => s with { RlSteps = NextInt() },
                "--train-lists" => s with { TrainListsPerTask = NextInt() },
                "--test-lists" => s with { TestListsPerTask = NextInt() },
                "--seed" => s with { Seed = NextInt() },
                "--data-version" => s with { DataVersion = RankingBenchMini.ParseVersion(Next()) },
                "--device" => s with { Device = Next() },
                "--layout" => s with { Layout = ParseLayout(Next()) },
                "--output" => s with { Output = Next() },
                "--real-data" => s with { RealDataFolder = Next() },
                "--write-benchmarks" => s with { BenchmarksFile = Next() },
                "--shuffle-candidates" => s with { ShuffleCandidates = OnOff(args[i], Next()) },
                "--task-weight" => s with { TaskWeights = WithWeight(s.TaskWeights, args[i], Next()) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'. Run with --help for the options."),
            };
        }
        var unknown = s.TaskWeights.Keys.Where(t => !RankingBenchMini.TaskNames.Contains(t, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"--task-weight names {string.Join(", ", unknown)}; the tasks are {string.Join(", ", RankingBenchMini.TaskNames)}.");
        if (s.TestListsPerTask == 0 || s.TrainListsPerTask == 0) throw new ArgumentException("--train-lists and --test-lists must be at least 1.");
        if (s.TrainListsPerTask + s.TestListsPerTask > RankingBenchMini.MaxRoutingListsPerTask)
            throw new ArgumentException($"--train-lists {s.TrainListsPerTask} and --test-lists {s.TestListsPerTask} make {s.TrainListsPerTask + s.TestListsPerTask} lists per task; " +
                $"the routing tasks have at most {RankingBenchMini.MaxRoutingListsPerTask} distinct requests each, so ask for {RankingBenchMini.MaxRoutingListsPerTask} or fewer together.");
        return s;
    }

    private static PromptLayout ParseLayout(string value) => value.ToLowerInvariant() switch
    {
        "rebuilt" => PromptLayout.Rebuilt,
        "append-only" or "appendonly" => PromptLayout.AppendOnly,
        _ => throw new ArgumentException($"Option --layout needs rebuilt or append-only, not '{value}'."),
    };

    private static bool OnOff(string option, string value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new ArgumentException($"Option {option} needs on or off, not '{value}'."),
    };

    private static Dictionary<string, double> WithWeight(IReadOnlyDictionary<string, double> weights, string option, string value)
    {
        var parts = value.Split('=', 2);
        if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double weight) || weight < 0 || !double.IsFinite(weight))
            throw new ArgumentException($"Option {option} needs TASK=WEIGHT with a weight of 0 or more (e.g. Passage-7=4), not '{value}'.");
        return new Dictionary<string, double>(weights) { [parts[0].Trim()] = weight };
    }
}
