using IRanker.Datasets;
using IRanker.Model;
using IRanker.Model.Prompts;
namespace IRanker.Quickstart;

/// <summary>
/// The quickstart's settings, read from its command line by <see cref="QuickstartCommand"/> (run with <c>--help</c> for
/// the list). The initial values are the defaults; <c>--quick</c> and <c>--long</c> start from a preset instead.
/// </summary>
internal sealed record QuickstartSettings
{
    /// <summary>--quick: the same path, smaller (<see cref="WithQuickPreset"/>).</summary>
    public bool Quick { get; init; }
    /// <summary>--from-scratch: a new small model trained from nothing instead of the shipped IRanker-mini (<see cref="WithScratchPreset"/>).</summary>
    public bool FromScratch { get; init; }
    /// <summary>--model: the IRanker-mini folder to start from; null: the one shipped with the quickstart (models/iranker-mini).</summary>
    public string? ModelFolder { get; init; }
    /// <summary>--seed: seed of data, model and training.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>--train-lists: training lists per task.</summary>
    public int TrainListsPerTask { get; init; } = 150;
    /// <summary>--test-lists: test lists per task.</summary>
    public int TestListsPerTask { get; init; } = 100;
    /// <summary>--warm-start-steps: supervised warm-start steps (of the fine-tuning, or from scratch).</summary>
    public int WarmStartSteps { get; init; } = 300;
    /// <summary>--rl-steps: GRPO steps after the warm start.</summary>
    public int RlSteps { get; init; } = 40;
    /// <summary>--output: where data, the model zip and results go.</summary>
    public string Output { get; init; } = Path.Combine("samples", "IRanker.Quickstart", "output");
    /// <summary>--real-data: a folder of real Ranking-bench files to evaluate on as well; null: none.</summary>
    public string? RealDataFolder { get; init; }
    /// <summary>--device: auto, cpu, cuda or cuda:N.</summary>
    public string Device { get; init; } = "auto";
    /// <summary>--write-benchmarks: a Markdown file the result table is appended to; null: none.</summary>
    public string? BenchmarksFile { get; init; }
    /// <summary>--data-version: the Ranking-bench-mini generator version (RankingBenchMiniOptions.Version).</summary>
    public RankingBenchMiniVersion DataVersion { get; init; } = RankingBenchMiniVersion.V2;

    /// <summary>The prompt layout to train and rank in (IRankerOptions.PromptLayout); null: the library's default.</summary>
    public PromptLayout? Layout { get; init; }
    /// <summary>--choice-scoring: how Choice mode scores candidates (IRankerOptions.ChoiceScoring), for every IRanker model of the run; null: the shipped model's own.</summary>
    public ChoiceScoring? ChoiceScoring { get; init; }
    /// <summary>Training prompts' candidate order (TrainingOptions.ShuffleCandidates): null = the recipe's.</summary>
    public bool? ShuffleCandidates { get; init; }
    /// <summary>--pack-eliminations: whole eliminations in one forward pass (TrainingOptions.PackEliminations); null = the library's default.</summary>
    public bool? PackEliminations { get; init; }

    /// <summary>How often training draws each task's lists relative to the others (TrainingOptions.TaskWeights); empty: equally.</summary>
    public IReadOnlyDictionary<string, double> TaskWeights { get; init; } = new Dictionary<string, double>();

    /// <summary>--quick: the same path with little data and few steps (about a minute); what CI runs.</summary>
    public QuickstartSettings WithQuickPreset() =>
        this with { Quick = true, TrainListsPerTask = 12, TestListsPerTask = 3, WarmStartSteps = 8, RlSteps = 2 };

    /// <summary>
    /// --from-scratch: the path of the quickstart before IRanker-mini shipped, with its defaults (version 1 data, 30 test
    /// lists per task, 800 warm-start and 120 GRPO steps from a new model), so that its documented tables reproduce.
    /// </summary>
    public QuickstartSettings WithScratchPreset() =>
        this with { FromScratch = true, DataVersion = RankingBenchMiniVersion.V1, TestListsPerTask = 30, WarmStartSteps = 800, RlSteps = 120 };

    /// <summary>--long: more data and training steps (about 20 minutes on two cores).</summary>
    public QuickstartSettings WithLongPreset() =>
        this with { TrainListsPerTask = 500, TestListsPerTask = 100, WarmStartSteps = 2000, RlSteps = 150 };

    /// <summary>
    /// What is wrong with the settings taken together (each option's own value is checked as it is parsed), or null:
    /// at least one list per task on each side, and no more lists per task than the routing tasks' distinct requests.
    /// </summary>
    public string? Problem()
    {
        if (TestListsPerTask == 0 || TrainListsPerTask == 0) return "--train-lists and --test-lists must be at least 1.";
        if (FromScratch && ModelFolder is not null) return "--model and --from-scratch exclude each other: --model names the checkpoint to fine-tune, --from-scratch trains a new model.";
        int lists = TrainListsPerTask + TestListsPerTask, most = RankingBenchMini.MaxRoutingListsPerTask;
        return lists <= most ? null
            : $"--train-lists {TrainListsPerTask} and --test-lists {TestListsPerTask} make {lists} lists per task; " +
              $"the routing tasks have at most {most} distinct requests each, so ask for {most} or fewer together.";
    }
}
