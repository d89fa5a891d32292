using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// Ranking-bench-mini: a small, deterministic stand-in for Ranking-bench, generated in memory. The nine tasks of the
/// paper with its list sizes: recommendation (Movie, Music, Game: 20 history items, 20 candidates), routing
/// (Performance, Balance, Cost: a request, 10 LLMs) and passage ranking (Passage-5, Passage-7, Passage-9).
/// </summary>
/// <remarks>
/// Relevance follows rules a small model can learn from the text, with noise (docs/data.md): genre affinity with the
/// history, request type against LLM strength and price, word and topic overlap of query and passage. Every list has
/// graded labels and exactly one candidate with the highest label.
/// </remarks>
/// <example>
/// <code>
/// var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 7, TrainQueriesPerTask = 300 });
/// foreach (var task in data.Tasks) Console.WriteLine($"{task.Name}: {task.Train.Count} / {task.Test.Count}");
/// </code>
/// </example>
public static class RankingBenchMini
{
    /// <summary>The nine task names, in the paper's order.</summary>
    public static IReadOnlyList<string> TaskNames { get; } =
        ["Movie", "Music", "Game", "Performance", "Balance", "Cost", "Passage-5", "Passage-7", "Passage-9"];

    /// <summary>
    /// Longer passage lists, generated only when <see cref="RankingBenchMiniOptions.Tasks"/> names them: Passage-20,
    /// Passage-100 and Passage-1000, for ranking long lists (windows) and for benchmarks. The same rules as the short
    /// passage tasks: one positive, one or two partial matches, the rest negatives.
    /// </summary>
    public static IReadOnlyList<string> LongPassageTaskNames { get; } = ["Passage-20", "Passage-100", "Passage-1000"];

    private static IReadOnlyList<string> AllTaskNames { get; } = [.. TaskNames, .. LongPassageTaskNames];

    /// <summary>
    /// The most lists (training and test together) that a routing task (Performance, Balance, Cost) can have. Their
    /// requests are written from small word pools, and a task's lists never repeat a request: the rarest request type
    /// runs out somewhere above 700 lists, depending on the seed, so the limit is set below that.
    /// </summary>
    public const int MaxRoutingListsPerTask = 600;

    /// <summary>Generates the benchmark. The same options give identical data.</summary>
    /// <param name="options">Seed, sizes and tasks; null for the defaults.</param>
    /// <exception cref="ArgumentException">An unknown task name, a negative size, or more routing lists than <see cref="MaxRoutingListsPerTask"/>.</exception>
    public static RankingBenchMiniDataset Generate(RankingBenchMiniOptions? options = null)
    {
        options ??= new RankingBenchMiniOptions();
        if (options.TrainQueriesPerTask < 0 || options.TestQueriesPerTask < 0)
            throw new ArgumentException("TrainQueriesPerTask and TestQueriesPerTask must be >= 0.", nameof(options));
        var names = options.Tasks is { Count: > 0 } ? options.Tasks : TaskNames;
        var unknown = names.Where(n => !AllTaskNames.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown task(s) {string.Join(", ", unknown)}; the tasks are {string.Join(", ", AllTaskNames)}.", nameof(options));
        var routing = names.Where(n => RankingBenchTaskNames.Parse(n).Scenario == RankingScenario.Routing).ToList();
        long lists = (long)options.TrainQueriesPerTask + options.TestQueriesPerTask;
        if (routing.Count > 0 && lists > MaxRoutingListsPerTask)
            throw new ArgumentException(
                $"TrainQueriesPerTask {options.TrainQueriesPerTask} + TestQueriesPerTask {options.TestQueriesPerTask} asks for {lists} lists per task, " +
                $"but the routing tasks ({string.Join(", ", routing)}) have at most {MaxRoutingListsPerTask} distinct requests each. " +
                "Ask for fewer lists, or leave the routing tasks out of Tasks.", nameof(options));

        var tasks = AllTaskNames.Where(names.Contains).Select(name => GenerateTask(name, options)).ToList();
        return new RankingBenchMiniDataset(options, tasks);
    }

    /// <summary>Generates the benchmark and writes it to <paramref name="folder"/> (see <see cref="RankingBenchMiniDataset.WriteTo"/>).</summary>
    public static RankingBenchMiniDataset WriteTo(string folder, RankingBenchMiniOptions? options = null)
    {
        var data = Generate(options);
        data.WriteTo(folder);
        return data;
    }

    private static RankingBenchTask GenerateTask(string name, RankingBenchMiniOptions options)
    {
        int taskIndex = AllTaskNames.ToList().IndexOf(name);
        var generator = CreateGenerator(name, StreamSeed(options.Seed, taskIndex, 0));
        var contexts = new HashSet<string>(StringComparer.Ordinal);
        var train = GenerateLists(generator, new Random(StreamSeed(options.Seed, taskIndex, 1)), options.TrainQueriesPerTask, "train", contexts);
        var test = GenerateLists(generator, new Random(StreamSeed(options.Seed, taskIndex, 2)), options.TestQueriesPerTask, "test", contexts);
        return new RankingBenchTask(name, generator.Scenario, train, test);
    }

    /// <summary>Lists whose contexts are new (so train and test are disjoint, and no list repeats within a split).</summary>
    private static List<RankingQuery> GenerateLists(ITaskGenerator generator, Random random, int count, string split, HashSet<string> contexts)
    {
        var lists = new List<RankingQuery>(count);
        int attempts = 0;
        while (lists.Count < count)
        {
            if (++attempts > 50 * (count + 10))
                throw new InvalidOperationException($"Could not make {count} distinct {generator.Task} lists; ask for fewer.");
            var list = generator.Generate(random, $"{generator.Task}-{split}-{lists.Count}", contexts);
            if (contexts.Add(list.Context)) lists.Add(list);
        }
        return lists;
    }

    private static ITaskGenerator CreateGenerator(string name, int catalogSeed) => name switch
    {
        "Movie" => new RecommendationGenerator(RecommendationDomain.Movie, catalogSeed),
        "Music" => new RecommendationGenerator(RecommendationDomain.Music, catalogSeed),
        "Game" => new RecommendationGenerator(RecommendationDomain.Game, catalogSeed),
        "Performance" => RoutingGenerator.Performance,
        "Balance" => RoutingGenerator.Balance,
        "Cost" => RoutingGenerator.Cost,
        "Passage-5" => new PassageGenerator(5),
        "Passage-7" => new PassageGenerator(7),
        "Passage-9" => new PassageGenerator(9),
        "Passage-20" => new PassageGenerator(20),
        "Passage-100" => new PassageGenerator(100),
        "Passage-1000" => new PassageGenerator(1000),
        _ => throw new ArgumentException($"Unknown task '{name}'.", nameof(name)),
    };

    /// <summary>A seed per (seed, task, stream) that does not depend on the process (string hashes would).</summary>
    private static int StreamSeed(int seed, int task, int stream) => unchecked(seed * 1_000_003 + task * 7_919 + stream * 104_729);
}
