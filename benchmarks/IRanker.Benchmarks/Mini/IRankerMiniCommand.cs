using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using IRanker.Datasets;
using IRanker.Model;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using IRanker.Model.Training;
using static TorchSharp.torch;

namespace IRanker.Benchmarks.Mini;

/// <summary>
/// <c>iranker-mini</c>: makes IRanker-mini, the project's ready checkpoint, with the project's own code
/// (docs/iranker-mini.md): a byte-level BPE tokenizer learned on the mini world's text, a language-model stage on that
/// text (the base model), then the warm start and GRPO on the training lists of six of Ranking-bench-mini's nine tasks
/// (one task per scenario held out). Every stage is resumable: run the same command again after a stop.
/// </summary>
/// <remarks>
/// Writes <c>--output</c> (the model, a Hugging Face folder that <c>IRankerOptions.ModelPath</c> loads) and
/// <c>--output</c>-base (the base model, after the language-model stage only), each with <c>recipe.json</c>: the command,
/// seeds, steps, wall times, parameter count and the weights' SHA-256. Working state (checkpoints) goes to <c>--work</c>.
/// </remarks>
internal static class IRankerMiniCommand
{
    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine("""
                usage: dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- iranker-mini [options]
                  --output <folder>        the model folder (default models/iranker-mini; the base model goes to <folder>-base)
                  --work <folder>          checkpoints and the tokenizer of a run in progress (default runs/iranker-mini)
                  --seed <n>               seed of data, corpus and weights (default 1001; the quickstart uses 1 and 2)
                  --held-out <tasks>       tasks left out of ranking training, comma-separated (default Game,Balance,Passage-9)
                  --exclude-scenario <s>   leave a whole scenario out of the corpus and of training (Recommendation, Routing or Passage)
                  --base <folder>          start the ranking passes from this base model (its weights and tokenizer) instead
                                           of making one: no tokenizer or language-model stage; recipe.json's base_folder
                                           points to it (with --exclude-scenario: the scenario is left out of ranking only)
                  --vocab <n>              tokenizer size (default 2048)
                  --hidden <n> --layers <n> --heads <n> --kv-heads <n> --intermediate <n>   model shape (default 192, 3, 6, 2, 512)
                  --lm-steps <n>           language-model steps (default 1500), 16 sequences of 256 tokens each
                  --warm-start-steps <n>   warm-start steps (default 1200)
                  --rl-steps <n>           GRPO steps (default 150)
                  --more-warm-start-steps <n,n,...>  further ranking passes, each from the previous pass's model, with this
                                           many warm-start steps each (default none); earlier passes' models go to
                                           <work>/first-pass, <work>/pass-2, ... and the last to --output
                  --more-rl-steps <n,n,...>   GRPO steps after each further pass's warm start (default 0)
                  --more-task-weights <w/w/...>  per further pass, '-' or TaskWeights as Task=weight,Task=weight (passes
                                           separated by '/'; default '-': every list drawn equally often)
                  --more-shuffle <b,b,...>    per further pass, 1 to shuffle the candidates of each training prompt (the
                                           default) or 0 to keep them in the list's order
                  --more-choice-scoring <s,s,...>  per further pass, '-' (the model's own), full or prefix: how Choice
                                           mode scores the candidates (ChoiceScoring.FullSequence or UniquePrefix);
                                           the pass's model is saved with it
                  --more-list-size <k,k,...>  per further pass, '-' (whole lists) or k >= 2: each training list cut to
                                           its best candidate and k - 1 others drawn at random (a curriculum of short
                                           lists: pairs broke the passage plateau that whole lists did not)
                  --more-warm-start-lr <r,r,...>  per further pass, '-' (the scratch recipe's 1e-3) or the warm start's
                                           learning rate (lower keeps more of what the pass starts from)
                """);
            return 0;
        }
        var recipe = IRankerMiniRecipe.FromArguments(args);
        recipe.Run(Console.Out);
        return 0;
    }
}

/// <summary>The recipe's settings and stages.</summary>
internal sealed record IRankerMiniRecipe
{
    public string Output { get; init; } = Path.Combine("models", "iranker-mini");
    public string Work { get; init; } = Path.Combine("runs", "iranker-mini");
    /// <summary>The recipe's seed of data, corpus and weights unless <c>--seed</c> gives another.</summary>
    public const int DefaultSeed = 1001;

    public int Seed { get; init; } = DefaultSeed;
    public IReadOnlyList<string> HeldOut { get; init; } = ["Game", "Balance", "Passage-9"];
    public RankingScenario? ExcludedScenario { get; init; }
    /// <summary>An existing base model to start the ranking passes from (null: the recipe makes its own).</summary>
    public string? Base { get; init; }
    public int Vocab { get; init; } = 2048;
    public int Hidden { get; init; } = 192;
    public int Layers { get; init; } = 3;
    public int Heads { get; init; } = 6;
    public int KvHeads { get; init; } = 2;
    public int Intermediate { get; init; } = 512;
    public int LanguageModelSteps { get; init; } = 1500;
    public int WarmStartSteps { get; init; } = 1200;
    public int RlSteps { get; init; } = 150;
    /// <summary>The ranking passes after the first, each from the previous pass's model.</summary>
    public IReadOnlyList<RankingPass> MorePasses { get; init; } = [];

    /// <summary>The ranking passes: the first (from the base model) and <see cref="MorePasses"/>.</summary>
    public IReadOnlyList<RankingPass> Passes => [new RankingPass(WarmStartSteps, RlSteps, null, Shuffle: true), .. MorePasses];

    /// <summary>
    /// Where ranking pass <paramref name="pass"/> (1-based) writes its model: the last pass to <see cref="Output"/>,
    /// earlier ones to <c>first-pass</c>, <c>pass-2</c>, ... under <see cref="Work"/>.
    /// </summary>
    public string PassOutput(int pass) =>
        pass == Passes.Count ? Output : Path.Combine(Work, pass == 1 ? "first-pass" : $"pass-{pass}");

    /// <summary>The trainer's checkpoint folder of ranking pass <paramref name="pass"/>.</summary>
    public string PassCheckpoints(int pass) =>
        Path.Combine(Work, pass switch { 1 => "ranking", 2 => "ranking-more", _ => $"ranking-more-{pass}" });

    /// <summary>Training lists per passage and recommendation task; the routing tasks take what their request pools allow.</summary>
    public const int ListsPerTask = 3000;

    /// <summary>The quickstart's seeds: the mini's routing training lists never share a request with their test lists.</summary>
    public static readonly int[] QuickstartSeeds = [1, 2];

    /// <summary>The quickstart's test lists per task (the filter above reads exactly those lists).</summary>
    public const int QuickstartTestLists = 100;

    /// <summary>The quickstart's training lists per task.</summary>
    public const int QuickstartTrainLists = 150;

    /// <summary>The base model: <see cref="Base"/> when given, else the folder <c>{Output}-base</c> the recipe writes.</summary>
    public string BaseOutput => Base ?? Output.TrimEnd('/', '\\') + "-base";

    /// <summary>The options that shape the tokenizer and language-model stages, which <c>--base</c> skips.</summary>
    private static readonly string[] BaseMakingOptions = ["--vocab", "--hidden", "--layers", "--heads", "--kv-heads", "--intermediate", "--lm-steps"];

    public static IRankerMiniRecipe FromArguments(string[] args)
    {
        string Opt(string name, string fallback) => BenchmarkArguments.Option(args, name, fallback);
        int Int(string name, int fallback) => BenchmarkArguments.Int(args, name, fallback);
        var recipe = new IRankerMiniRecipe();
        RankingScenario? excluded = null;
        string scenario = Opt("--exclude-scenario", "");
        if (scenario.Length > 0)
        {
            excluded = Enum.TryParse<RankingScenario>(scenario, ignoreCase: true, out var s) && Enum.IsDefined(s)
                ? s : throw new ArgumentException($"--exclude-scenario '{scenario}' is no scenario: use Recommendation, Routing or Passage.");
        }
        var heldOut = Opt("--held-out", string.Join(',', recipe.HeldOut)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? baseFolder = Opt("--base", "") is { Length: > 0 } b ? b : null;
        if (baseFolder is not null)
        {
            if (!File.Exists(Path.Combine(baseFolder, "config.json")) || !File.Exists(Path.Combine(baseFolder, QwenTokenizer.FileName)))
                throw new ArgumentException($"--base '{baseFolder}' is no model folder (config.json and {QwenTokenizer.FileName}): give a base model such as models/iranker-mini-base.");
            var clash = BaseMakingOptions.Where(args.Contains).ToList();
            if (clash.Count > 0)
                throw new ArgumentException($"--base starts from an existing base model, so {string.Join(", ", clash)} would not be used: leave them out or leave out --base.");
        }
        var unknown = heldOut.Where(t => !RankingBenchMini.TaskNames.Contains(t)).ToList();
        if (unknown.Count > 0) throw new ArgumentException($"--held-out names unknown task(s) {string.Join(", ", unknown)}; the tasks are {string.Join(", ", RankingBenchMini.TaskNames)}.");
        return recipe with
        {
            Output = Opt("--output", recipe.Output),
            Work = Opt("--work", recipe.Work),
            Seed = Int("--seed", recipe.Seed),
            HeldOut = heldOut,
            ExcludedScenario = excluded,
            Base = baseFolder,
            Vocab = Int("--vocab", recipe.Vocab),
            Hidden = Int("--hidden", recipe.Hidden),
            Layers = Int("--layers", recipe.Layers),
            Heads = Int("--heads", recipe.Heads),
            KvHeads = Int("--kv-heads", recipe.KvHeads),
            Intermediate = Int("--intermediate", recipe.Intermediate),
            LanguageModelSteps = Int("--lm-steps", recipe.LanguageModelSteps),
            WarmStartSteps = Int("--warm-start-steps", recipe.WarmStartSteps),
            RlSteps = Int("--rl-steps", recipe.RlSteps),
            MorePasses = RankingPass.FromArguments(Opt("--more-warm-start-steps", ""), Opt("--more-rl-steps", ""),
                Opt("--more-task-weights", ""), Opt("--more-shuffle", ""), Opt("--more-choice-scoring", ""), Opt("--more-list-size", ""),
                Opt("--more-warm-start-lr", "")),
        };
    }

    /// <summary>The tasks the model is trained to rank: all nine less the held-out ones and the excluded scenario's.</summary>
    public IReadOnlyList<string> TrainedTasks => RankingBenchMini.TaskNames
        .Where(t => !HeldOut.Contains(t) && (ExcludedScenario is null || RankingTasks.ScenarioOf(t) != ExcludedScenario))
        .ToList();

    public void Run(TextWriter log)
    {
        TorchRuntime.EnsureInitialized();
        set_num_threads(Environment.ProcessorCount);
        var clock = Stopwatch.StartNew();
        var times = new Dictionary<string, double>();
        Directory.CreateDirectory(Work);

        // 1. Ranking lists of the trained tasks (version 2, the recipe's seed), never a quickstart test request.
        var train = TrainingLists(log);

        // 2. The mini world's text and the tokenizer learned on it (with the scaffolding of the training prompts).
        var stage = Stopwatch.StartNew();
        string tokenizerFolder = Base ?? Path.Combine(Work, "tokenizer");
        if (!File.Exists(Path.Combine(tokenizerFolder, QwenTokenizer.FileName)))
        {
            var texts = MiniWorld.Corpus(Seed, ExcludedScenario).Take(MiniWorld.TokenizerDocuments).Concat(PromptTexts(train.Take(600)));
            MiniWorld.TrainTokenizer(texts, Vocab, tokenizerFolder);
        }
        var tokenizer = QwenTokenizer.Load(tokenizerFolder);
        times["tokenizer"] = stage.Elapsed.TotalSeconds;
        log.WriteLine($"Tokenizer: {tokenizer.VocabSize:N0} ids ({tokenizerFolder}{(Base is null ? "" : ", the given base model's")}).");

        // 3. The base model: random weights of the recipe's shape, then next-token training on the corpus.
        stage.Restart();
        if (Base is not null) log.WriteLine($"Base model: {Base} (given; no language-model stage).");
        else if (!File.Exists(Path.Combine(BaseOutput, "recipe.json")))
        {
            manual_seed(Seed);
            using var model = new Qwen2ForCausalLM(Shape(tokenizer.VocabSize));
            log.WriteLine($"Model: {model.ParameterCount:N0} parameters (hidden {Hidden}, {Layers} layers, {Heads} heads, {KvHeads} KV heads, MLP {Intermediate}).");
            var lm = new LanguageModelTrainer(model, tokenizer, new LanguageModelOptions
            {
                Steps = LanguageModelSteps, SequenceLength = 256, BatchSize = 16, LearningRate = 1e-3, WarmupSteps = 100,
                CheckpointFolder = Path.Combine(Work, "lm"), CheckpointInterval = 100,
            });
            var summary = lm.Train(MiniWorld.Corpus(Seed, ExcludedScenario), TrainingMeasures.OnEachStep<LanguageModelStepMetrics>(m =>
            {
                if (m.Step % 50 == 0 || m.Step == m.TotalSteps)
                    log.WriteLine($"LM step {m.Step}/{m.TotalSteps}: loss {m.Loss:F3}, lr {m.LearningRate:G3}, {m.TokensPerSecond:N0} tokens/s, {m.Seconds:F2} s/step");
            }));
            double heldOutLoss = lm.Evaluate(MiniWorld.Corpus(Seed + 1, ExcludedScenario), 64);
            log.WriteLine($"LM stage: {summary.Steps} steps in {summary.Seconds / 60:F1} min{(summary.ResumedFromStep is { } r ? $" (resumed at {r})" : "")}; held-out loss {heldOutLoss:F3} nats/token.");
            using var bundle = new IRankerModel(model, tokenizer, style: PromptStyle.Compact, layout: PromptLayout.AppendOnly);
            SaveWithRecipe(bundle, BaseOutput, "base", new Dictionary<string, object>
            {
                ["language_model_steps"] = LanguageModelSteps,
                ["language_model_sequence"] = "16 x 256 tokens",
                ["held_out_loss_nats_per_token"] = Math.Round(heldOutLoss, 4),
                ["stage_minutes"] = Math.Round(stage.Elapsed.TotalMinutes, 1),
            });
        }
        times["language model"] = stage.Elapsed.TotalSeconds;

        // 4. Ranking: the warm start and GRPO on the trained tasks, from the base model, then any further passes, each
        // from the previous pass's model with a fresh optimiser and the next seed for its draws (the previous seed would
        // draw the same sub-lists in the same order again).
        var passes = Passes;
        for (int pass = 1; pass <= passes.Count; pass++)
        {
            string output = PassOutput(pass);
            if (pass < passes.Count && File.Exists(Path.Combine(output, "recipe.json")))
            {
                log.WriteLine($"Ranking pass {pass}: done ({output}).");
                continue;
            }
            stage.Restart();
            var settings = passes[pass - 1];
            string from = pass == 1 ? BaseOutput : PassOutput(pass - 1);
            using var ranker = IRankerModel.Load(from);
            ranker.Model.train();
            var options = RankingTraining();
            options.WarmStartSteps = settings.WarmStartSteps;
            options.Steps = settings.RlSteps;
            options.Seed = Seed + pass - 1;
            options.CheckpointFolder = PassCheckpoints(pass);
            options.ShuffleCandidates = settings.Shuffle;
            if (settings.TaskWeights is { } weights) options.TaskWeights = new Dictionary<string, double>(weights);
            if (settings.Scoring is { } scoring) ranker.ChoiceScoring = scoring;
            if (settings.WarmStartLearningRate is { } rate) options.WarmStartLearningRate = rate;
            var lists = train;
            if (settings.ListSize is { } size)
            {
                lists = ShortLists.Cut(train, size, options.Seed);   // the pass's seed
                log.WriteLine($"Ranking pass {pass}: every training list cut to {size} candidates (its best and {size - 1} drawn at random).");
            }
            var trainer = new EliminationTrainer(ranker, options);
            var progress = RankingProgress(log, pass == 1 ? "" : $"Pass {pass} ");
            if (settings.WarmStartSteps > 0) trainer.WarmStart(lists, progress);
            if (settings.RlSteps > 0) trainer.Train(lists, null, progress);
            ranker.Model.eval();
            times[$"ranking pass {pass}"] = stage.Elapsed.TotalSeconds;
            SaveWithRecipe(ranker, output, "model", RankingFacts(train.Count, pass, from, options, Math.Round(stage.Elapsed.TotalMinutes, 1)));
        }
        log.WriteLine($"IRanker-mini written to {Output} (base model: {BaseOutput}) in {clock.Elapsed.TotalMinutes:F1} min this run.");
    }

    /// <summary>Logs every 25th ranking step (and the last), each line starting with <paramref name="prefix"/>.</summary>
    private static IProgress<TrainingStepMetrics> RankingProgress(TextWriter log, string prefix) => TrainingMeasures.OnEachStep(m =>
    {
        if (m.Step % 25 == 0 || m.Step == m.TotalSteps)
            log.WriteLine($"{prefix}{m.Phase} step {m.Step}/{m.TotalSteps}: loss {m.Loss:F3}, LM loss {m.LanguageModelLoss:F3}, reward {m.Reward:F3}, accuracy {m.EliminationAccuracy:P0}, {m.SecondsPerStep:F2} s/step");
    });

    /// <summary>
    /// What the recipe.json of a ranking model records about its ranking training: the tasks and lists, and one entry
    /// per pass so far (those of the earlier passes read from the recipe.json of the model it started from).
    /// </summary>
    private Dictionary<string, object> RankingFacts(int trainingLists, int pass, string from, TrainingOptions trained, double minutes)
    {
        var history = new List<object>();
        using var previous = JsonDocument.Parse(File.ReadAllText(Path.Combine(from, "recipe.json")));
        if (pass > 1)
        {
            if (!previous.RootElement.TryGetProperty("passes", out var earlier))
                throw new InvalidOperationException($"{from}/recipe.json has no 'passes': it was not written by this recipe; run pass {pass - 1} again.");
            history.AddRange(earlier.EnumerateArray().Select(e => (object)e.Clone()));
        }
        var settings = Passes[pass - 1];
        history.Add(new Dictionary<string, object?>
        {
            ["pass"] = pass,
            ["from"] = Path.GetFileName(from.TrimEnd('/', '\\')),
            ["from_sha256"] = previous.RootElement.GetProperty("model_safetensors_sha256").GetString(),
            ["seed"] = Seed + pass - 1,
            ["warm_start_steps"] = settings.WarmStartSteps,
            ["grpo_steps"] = settings.RlSteps,
            ["task_weights"] = settings.TaskWeights,
            ["shuffle_candidates"] = settings.Shuffle,
            ["choice_scoring"] = (settings.Scoring ?? ChoiceScoring.FullSequence).ToString(),
            ["list_size"] = settings.ListSize,
            ["warm_start_learning_rate"] = trained.WarmStartLearningRate,
            ["minutes"] = minutes,
        });
        return new()
        {
            ["base"] = Path.GetFileName(BaseOutput.TrimEnd('/', '\\')),
            ["base_folder"] = Path.GetRelativePath(Output, BaseOutput).Replace('\\', '/'),
            ["trained_tasks"] = TrainedTasks,
            ["held_out_tasks"] = RankingBenchMini.TaskNames.Except(TrainedTasks).ToList(),
            ["training_lists"] = trainingLists,
            ["passes"] = history,
        };
    }

    private Qwen2Config Shape(int vocab) => new()
    {
        HiddenSize = Hidden, NumHiddenLayers = Layers, NumAttentionHeads = Heads, NumKeyValueHeads = KvHeads,
        IntermediateSize = Intermediate, VocabSize = vocab, MaxPositionEmbeddings = 4096, TieWordEmbeddings = true,
    };

    /// <summary>The scratch recipe of the quickstart (docs/training.md), with this recipe's steps, seed and checkpoints.</summary>
    private TrainingOptions RankingTraining()
    {
        var options = IRanker.MLNet.IRankerOptions.ScratchTrainingDefaults();
        options.WarmStartSteps = WarmStartSteps;
        options.Steps = RlSteps;
        options.Seed = Seed;
        options.Mode = DecodingMode.Choice;
        options.CheckpointFolder = Path.Combine(Work, "ranking");
        options.CheckpointInterval = 100;
        return options;
    }

    private List<RankingQuery> TrainingLists(TextWriter log) => TrainingListsOf(TrainedTasks, Seed, log);

    /// <summary>
    /// The recipe's training lists of <paramref name="tasks"/> (Ranking-bench-mini version 2, <paramref name="seed"/>):
    /// <see cref="ListsPerTask"/> per passage and recommendation task, each routing task's pool, never a list whose context
    /// is one of the quickstart's test lists.
    /// </summary>
    public static List<RankingQuery> TrainingListsOf(IReadOnlyList<string> tasks, int seed, TextWriter log)
    {
        var quickstartTests = QuickstartSeeds.SelectMany(testSeed => RankingBenchMini.Generate(new RankingBenchMiniOptions
        {
            Seed = testSeed, Version = RankingBenchMiniVersion.V2, TrainQueriesPerTask = QuickstartTrainLists, TestQueriesPerTask = QuickstartTestLists,
        }).Test).Select(q => (q.Task, q.Context)).ToHashSet();
        var lists = new List<RankingQuery>();
        foreach (var task in tasks)
        {
            bool routing = RankingTasks.ScenarioOf(task) == RankingScenario.Routing;
            var generated = RankingBenchMini.Generate(new RankingBenchMiniOptions
            {
                Seed = seed, Version = RankingBenchMiniVersion.V2, Tasks = [task],
                TrainQueriesPerTask = routing ? RankingBenchMini.MaxRoutingListsPerTask : ListsPerTask, TestQueriesPerTask = 0,
            }).Train;
            var kept = generated.Where(q => !quickstartTests.Contains((q.Task, q.Context))).ToList();
            log.WriteLine($"{task}: {kept.Count} training lists ({generated.Count - kept.Count} dropped: a quickstart test list has the same context).");
            lists.AddRange(kept);
        }
        return lists;
    }

    /// <summary>Step prompts of a few lists in the compact style, so that the tokenizer learns the prompts' scaffolding too.</summary>
    private static IEnumerable<string> PromptTexts(IEnumerable<RankingQuery> queries)
    {
        foreach (var query in queries)
        {
            var template = PromptTemplate.For(query.Scenario, PromptStyle.Compact);
            yield return template.BuildStep(query, Enumerable.Range(0, query.Candidates.Count).ToArray(), DecodingMode.Choice).Text
                + template.NextTurn(query, DecodingMode.Choice);
        }
    }

    private void SaveWithRecipe(IRankerModel model, string folder, string what, Dictionary<string, object> facts)
    {
        string temp = folder + ".tmp";
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        model.Save(temp);
        string weights = Path.Combine(temp, "model.safetensors");
        var recipe = new Dictionary<string, object>
        {
            ["name"] = what == "base" ? "IRanker-mini base" : "IRanker-mini",
            ["command"] = "dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- iranker-mini " + string.Join(' ', Environment.GetCommandLineArgs().Skip(2)),
            ["seed"] = Seed,
            ["data"] = "Ranking-bench-mini version 2",
            ["parameters"] = model.Model.ParameterCount,
            ["shape"] = new
            {
                hidden = model.Model.Config.HiddenSize, layers = model.Model.Config.NumHiddenLayers, heads = model.Model.Config.NumAttentionHeads,
                kv_heads = model.Model.Config.NumKeyValueHeads, intermediate = model.Model.Config.IntermediateSize, vocab = model.Tokenizer.VocabSize,
            },
            ["excluded_scenario"] = ExcludedScenario?.ToString() ?? "none",
            ["excluded_from"] = ExcludedScenario is null ? "nothing" : Base is null || what == "base" ? "corpus and ranking" : "ranking only (the corpus of the given base model covers it)",
            ["model_safetensors_sha256"] = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(weights))),
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in facts) recipe[key] = value;
        File.WriteAllText(Path.Combine(temp, "recipe.json"), JsonSerializer.Serialize(recipe, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.Move(temp, folder);
    }
}

/// <summary>
/// One ranking pass of the recipe: its warm-start and GRPO steps, task weights (null: none), shuffling, choice scoring
/// (null: the model's own), the length its training lists are cut to (null: whole lists) and its warm start's learning
/// rate (null: the scratch recipe's).
/// </summary>
internal sealed record RankingPass(int WarmStartSteps, int RlSteps, IReadOnlyDictionary<string, double>? TaskWeights, bool Shuffle, ChoiceScoring? Scoring = null,
    int? ListSize = null, double? WarmStartLearningRate = null)
{
    /// <summary>The further passes of the command line (see the usage text); every list is as long as the steps' one.</summary>
    /// <exception cref="ArgumentException">A list is longer than <c>--more-warm-start-steps</c>', or an entry does not parse.</exception>
    public static IReadOnlyList<RankingPass> FromArguments(string warmStart, string rl, string weights, string shuffle, string scoring = "", string listSize = "",
        string warmStartRate = "")
    {
        static string[] Split(string text, char separator) =>
            text.Length == 0 ? [] : text.Split(separator, StringSplitOptions.TrimEntries);
        var warm = Split(warmStart, ',');
        var rlSteps = Split(rl, ',');
        var taskWeights = Split(weights, '/');
        var shuffles = Split(shuffle, ',');
        var scorings = Split(scoring, ',');
        var sizes = Split(listSize, ',');
        var rates = Split(warmStartRate, ',');
        foreach (var (name, count) in new[] { ("--more-rl-steps", rlSteps.Length), ("--more-task-weights", taskWeights.Length), ("--more-shuffle", shuffles.Length),
                     ("--more-choice-scoring", scorings.Length), ("--more-list-size", sizes.Length), ("--more-warm-start-lr", rates.Length) })
            if (count > warm.Length)
                throw new ArgumentException($"{name} gives {count} passes but --more-warm-start-steps gives {warm.Length}; give one entry per further pass.");
        static int Steps(string name, string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n)
            ? n : throw new ArgumentException($"{name}: '{text}' is not a number of steps (0 or more).");
        var passes = new List<RankingPass>();
        for (int i = 0; i < warm.Length; i++)
        {
            IReadOnlyDictionary<string, double>? parsed = null;
            if (i < taskWeights.Length && taskWeights[i] is { Length: > 0 } w && w != "-")
            {
                var map = new Dictionary<string, double>(StringComparer.Ordinal);
                foreach (var entry in w.Split(',', StringSplitOptions.TrimEntries))
                {
                    var parts = entry.Split('=');
                    if (parts.Length != 2 || !RankingBenchMini.TaskNames.Contains(parts[0])
                        || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double weight) || weight < 0)
                        throw new ArgumentException($"--more-task-weights: '{entry}' is not Task=weight with one of {string.Join(", ", RankingBenchMini.TaskNames)} and a weight of 0 or more.");
                    map[parts[0]] = weight;
                }
                parsed = map;
            }
            bool shuffled = i >= shuffles.Length || shuffles[i] switch
            {
                "1" => true, "0" => false,
                var other => throw new ArgumentException($"--more-shuffle: '{other}' is neither 1 (shuffle) nor 0 (the list's order)."),
            };
            ChoiceScoring? scored = i >= scorings.Length ? null : scorings[i] switch
            {
                "-" => null, "full" => ChoiceScoring.FullSequence, "prefix" => ChoiceScoring.UniquePrefix,
                var other => throw new ArgumentException($"--more-choice-scoring: '{other}' is none of - (the model's own), full and prefix."),
            };
            int? size = i >= sizes.Length || sizes[i] == "-" ? null
                : int.TryParse(sizes[i], NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 2 ? k
                : throw new ArgumentException($"--more-list-size: '{sizes[i]}' is neither - (whole lists) nor a list length of 2 or more.");
            double? rate = i >= rates.Length || rates[i] == "-" ? null
                : double.TryParse(rates[i], NumberStyles.Float, CultureInfo.InvariantCulture, out double r) && r > 0 && double.IsFinite(r) ? r
                : throw new ArgumentException($"--more-warm-start-lr: '{rates[i]}' is neither - (the scratch recipe's) nor a learning rate above 0 (for example 3e-4).");
            passes.Add(new RankingPass(Steps("--more-warm-start-steps", warm[i]), i < rlSteps.Length ? Steps("--more-rl-steps", rlSteps[i]) : 0, parsed, shuffled, scored, size, rate));
        }
        return passes;
    }
}
