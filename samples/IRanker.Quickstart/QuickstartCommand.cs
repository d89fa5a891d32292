using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using IRanker.Datasets;
using IRanker.Model;
using IRanker.Model.Prompts;

namespace IRanker.Quickstart;

/// <summary>
/// The quickstart's command line: its options with their defaults and help, the <c>--quick</c> and <c>--long</c>
/// presets (an option given explicitly wins over its preset), and the checks of the values, which become parse errors.
/// </summary>
internal sealed class QuickstartCommand : RootCommand
{
    private static readonly QuickstartSettings Defaults = new();
    private static readonly QuickstartSettings QuickPreset = Defaults.WithQuickPreset(), LongPreset = Defaults.WithLongPreset();

    private readonly Option<bool> _quick = Flag("--quick", "The same path, smaller (about a minute); what CI runs");
    private readonly Option<bool> _long = Flag("--long", "More data and training steps (about 20 minutes on two cores)");
    private readonly Option<bool> _fromScratch = Flag("--from-scratch", "Train a new small model from nothing instead of fine-tuning the shipped " +
        "IRanker-mini (the quickstart's path before IRanker-mini; its defaults: --data-version 1, --test-lists 30, --warm-start-steps 800, --rl-steps 120)");
    private readonly Option<string?> _model = new("--model")
    {
        Description = "The IRanker-mini folder to start from (its base model: the base_folder its recipe.json names, else the folder DIR-base beside it) [default: the shipped models/iranker-mini]",
        HelpName = "DIR",
    };
    private readonly Option<int> _warmStartSteps = Count("--warm-start-steps", "Supervised warm-start steps", s => s.WarmStartSteps);
    private readonly Option<int> _rlSteps = Count("--rl-steps", "GRPO steps after the warm start", s => s.RlSteps);
    private readonly Option<int> _trainLists = Count("--train-lists", "Training lists per task", s => s.TrainListsPerTask);
    private readonly Option<int> _testLists = Count("--test-lists", "Test lists per task; training and test lists together at most " +
        $"{RankingBenchMini.MaxRoutingListsPerTask} (the routing tasks' distinct requests)", s => s.TestListsPerTask);
    private readonly Option<int> _seed = Count("--seed", "Seed of data, model and training", s => s.Seed);
    private readonly Option<RankingBenchMiniVersion> _dataVersion = new("--data-version")
    {
        Description = "The Ranking-bench-mini generator version: 1, or 2, calibrated to the paper's baseline rows (docs/data.md)",
        HelpName = "1|2",
        DefaultValueFactory = _ => Defaults.DataVersion,   // --from-scratch: 1
        CustomParser = DataVersion,
    };
    private readonly Option<IReadOnlyDictionary<string, double>> _taskWeights = new("--task-weight")
    {
        Description = "Draw TASK's lists W times as often as the others' (repeatable; tasks: " +
            string.Join(", ", RankingBenchMini.TaskNames) + ") [default: all 1]",
        HelpName = "TASK=W",
        Arity = ArgumentArity.OneOrMore,
        CustomParser = TaskWeights,
    };
    private readonly Option<PromptLayout?> _layout = new("--layout")
    {
        Description = "The prompt layout [default: the library's, append-only]",
        HelpName = "rebuilt|append-only",
        CustomParser = Layout,
    };
    private readonly Option<ChoiceScoring?> _choiceScoring = new("--choice-scoring")
    {
        Description = "How Choice mode scores the candidates, for every IRanker model of the run: every token of each ID, " +
            "or each ID up to the token that tells it apart [default: the shipped model's own]",
        HelpName = "full|prefix",
        CustomParser = Scoring,
    };
    private readonly Option<OnOff?> _shuffleCandidates = new("--shuffle-candidates")
    {
        Description = "List each training prompt's candidates in a fresh random order, or not " +
            "[default: the library's for a model trained from scratch]",
        HelpName = "on|off",
        CustomParser = result => Switch(result, "--shuffle-candidates"),
    };
    private readonly Option<OnOff?> _packEliminations = new("--pack-eliminations")
    {
        Description = "Train on whole sub-list eliminations, each in one forward pass, or on single steps " +
            "[default: the library's]",
        HelpName = "on|off",
        CustomParser = result => Switch(result, "--pack-eliminations"),
    };
    private readonly Option<string> _device = new("--device")
    {
        Description = "The device to train and rank on",
        HelpName = "auto|cpu|cuda|cuda:N",
        DefaultValueFactory = _ => Defaults.Device,
    };
    private readonly Option<string> _output = new("--output")
    {
        Description = "Where data, the model zip and results go",
        HelpName = "DIR",
        DefaultValueFactory = _ => Defaults.Output,
    };
    private readonly Option<string?> _realData = new("--real-data")
    {
        Description = "Also evaluate on real Ranking-bench files (jsonl/parquet) in DIR (docs/data.md) [default: none]",
        HelpName = "DIR",
    };
    private readonly Option<string?> _benchmarksFile = new("--write-benchmarks")
    {
        Description = "Append the result table to the Markdown file F (e.g. docs/benchmarks.md) [default: none]",
        HelpName = "F",
    };

    /// <summary>The command, with its options and checks; <paramref name="run"/> runs the quickstart with the settings read.</summary>
    public QuickstartCommand(Func<QuickstartSettings, int> run)
        : base("IRanker quickstart: builds Ranking-bench-mini, evaluates the shipped IRanker-mini zero-shot, fine-tunes it through " +
               "mlContext.Ranking.Trainers.IRanker(), compares it with baselines and controls on the test split, saves and reloads it.")
    {
        Option[] options = [_quick, _long, _fromScratch, _model, _warmStartSteps, _rlSteps, _trainLists, _testLists, _seed, _dataVersion, _taskWeights, _layout, _choiceScoring,
            _shuffleCandidates, _packEliminations, _device, _output, _realData, _benchmarksFile];
        foreach (var option in options) Add(option);
        Options.Remove(Options.OfType<VersionOption>().Single());   // the quickstart has no version of its own
        Validators.Add(CheckTogether);
        SetAction(parsed => run(Settings(parsed)));
    }

    /// <summary>The settings given by a command line that this command parsed without errors.</summary>
    public QuickstartSettings Settings(ParseResult parsed) => Settings(parsed.CommandResult);

    private QuickstartSettings Settings(SymbolResult result)
    {
        var preset = Defaults;
        if (result.GetValue(_fromScratch)) preset = preset.WithScratchPreset();
        if (result.GetValue(_quick)) preset = preset.WithQuickPreset();
        if (result.GetValue(_long)) preset = preset.WithLongPreset();
        return preset with
        {
            WarmStartSteps = Explicit(result, _warmStartSteps) ?? preset.WarmStartSteps,
            RlSteps = Explicit(result, _rlSteps) ?? preset.RlSteps,
            TrainListsPerTask = Explicit(result, _trainLists) ?? preset.TrainListsPerTask,
            TestListsPerTask = Explicit(result, _testLists) ?? preset.TestListsPerTask,
            Seed = result.GetValue(_seed),
            DataVersion = result.GetResult(_dataVersion) is { Implicit: false } ? result.GetValue(_dataVersion) : preset.DataVersion,
            ModelFolder = result.GetValue(_model),
            TaskWeights = result.GetValue(_taskWeights) ?? Defaults.TaskWeights,
            Layout = result.GetValue(_layout),
            ChoiceScoring = result.GetValue(_choiceScoring),
            ShuffleCandidates = result.GetValue(_shuffleCandidates) is { } shuffle ? shuffle == OnOff.On : null,
            PackEliminations = result.GetValue(_packEliminations) is { } pack ? pack == OnOff.On : null,
            Device = result.GetValue(_device) ?? Defaults.Device,
            Output = result.GetValue(_output) ?? Defaults.Output,
            RealDataFolder = result.GetValue(_realData),
            BenchmarksFile = result.GetValue(_benchmarksFile),
        };
    }

    /// <summary>The checks of the options taken together, once each of them has parsed.</summary>
    private void CheckTogether(CommandResult result)
    {
        QuickstartSettings settings;
        try
        {
            settings = Settings(result);
        }
        catch (InvalidOperationException)
        {
            return;   // an option's own value is wrong, and its own error says so
        }
        if (settings.Problem() is { } problem) result.AddError(problem);
    }

    private static int? Explicit(SymbolResult result, Option<int> option) =>
        result.GetResult(option) is { Implicit: false } ? result.GetValue(option) : null;

    private static Option<bool> Flag(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>A whole-number option; its help gives the default and, where they differ, the --quick and --long presets' values.</summary>
    private static Option<int> Count(string name, string description, Func<QuickstartSettings, int> value)
    {
        int quick = value(QuickPreset), @long = value(LongPreset);
        return new(name)
        {
            Description = quick == value(Defaults) && @long == value(Defaults) ? description
                : string.Create(CultureInfo.InvariantCulture, $"{description} (--quick {quick}, --long {@long})"),
            HelpName = "N",
            DefaultValueFactory = _ => value(Defaults),
            CustomParser = result => WholeNumber(result, name),
        };
    }

    private static int WholeNumber(ArgumentResult result, string option)
    {
        string value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0) return n;
        result.AddError($"Option {option} needs a whole number >= 0, not '{value}'.");
        return 0;
    }

    private static PromptLayout? Layout(ArgumentResult result) => OneOf(result, "--layout", "rebuilt or append-only",
        ("rebuilt", PromptLayout.Rebuilt), ("append-only", PromptLayout.AppendOnly), ("appendonly", PromptLayout.AppendOnly));

    private static ChoiceScoring? Scoring(ArgumentResult result) => OneOf(result, "--choice-scoring", "full or prefix",
        ("full", IRanker.Model.ChoiceScoring.FullSequence), ("prefix", IRanker.Model.ChoiceScoring.UniquePrefix));

    /// <summary>The value whose name (in any case) is the option's last token; else an error saying what <paramref name="option"/> needs.</summary>
    private static T? OneOf<T>(ArgumentResult result, string option, string expected, params (string Name, T Value)[] values) where T : struct
    {
        string value = result.Tokens[^1].Value;
        foreach (var (name, named) in values)
            if (string.Equals(name, value, StringComparison.OrdinalIgnoreCase)) return named;
        result.AddError($"Option {option} needs {expected}, not '{value}'.");
        return null;
    }

    private static RankingBenchMiniVersion DataVersion(ArgumentResult result)
    {
        string value = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        try
        {
            return RankingBenchMini.ParseVersion(value);
        }
        catch (ArgumentException e)
        {
            result.AddError($"Option --data-version: {e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)}");
            return RankingBenchMiniVersion.V1;
        }
    }

    private static OnOff? Switch(ArgumentResult result, string option)
    {
        string value = result.Tokens[^1].Value;
        switch (value)
        {
            case "on": return OnOff.On;
            case "off": return OnOff.Off;
            default:
                result.AddError($"Option {option} needs on or off, not '{value}'.");
                return null;
        }
    }

    /// <summary>Every --task-weight TASK=W given, the last one for a task winning; a task that Ranking-bench-mini lacks is an error.</summary>
    private static IReadOnlyDictionary<string, double> TaskWeights(ArgumentResult result)
    {
        var weights = new Dictionary<string, double>();
        foreach (string value in result.Tokens.Select(t => t.Value))
        {
            var parts = value.Split('=', 2);
            if (parts.Length != 2 || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double weight)
                || weight < 0 || !double.IsFinite(weight))
            {
                result.AddError($"Option --task-weight needs TASK=WEIGHT with a weight of 0 or more (e.g. Passage-7=4), not '{value}'.");
                return weights;
            }
            weights[parts[0].Trim()] = weight;
        }
        var unknown = weights.Keys.Where(t => !RankingBenchMini.TaskNames.Contains(t, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
            result.AddError($"--task-weight names {string.Join(", ", unknown)}; the tasks are {string.Join(", ", RankingBenchMini.TaskNames)}.");
        return weights;
    }

    /// <summary>The value of an on|off option (a bool option would take only true or false).</summary>
    private enum OnOff { On, Off }
}
