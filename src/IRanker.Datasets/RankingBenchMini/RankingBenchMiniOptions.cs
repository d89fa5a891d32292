namespace IRanker.Datasets;

/// <summary>Options of <see cref="RankingBenchMini.Generate"/>; the defaults make 9 tasks × (500 train + 100 test) lists.</summary>
/// <example>
/// <code>
/// var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 1, TrainQueriesPerTask = 200, Tasks = ["Movie", "Passage-5"] });
/// </code>
/// </example>
public sealed class RankingBenchMiniOptions
{
    /// <summary>Seed of everything generated: the same seed gives identical data. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>Training lists per task. Default 500.</summary>
    public int TrainQueriesPerTask { get; set; } = 500;

    /// <summary>Test lists per task (none of their contexts occurs in the training lists). Default 100.</summary>
    public int TestQueriesPerTask { get; set; } = 100;

    /// <summary>
    /// The tasks to generate, by name (see <see cref="RankingBenchMini.TaskNames"/>, and the long passage lists of
    /// <see cref="RankingBenchMini.LongPassageTaskNames"/>); null or empty means the nine of the paper.
    /// </summary>
    public IReadOnlyList<string>? Tasks { get; set; }

    /// <summary>
    /// The generator version. Default <see cref="RankingBenchMiniVersion.V1"/>, the data the quickstart's documented
    /// results were measured on; <see cref="RankingBenchMiniVersion.V2"/> is calibrated to the paper's baseline rows
    /// (docs/data.md).
    /// </summary>
    public RankingBenchMiniVersion Version { get; set; } = RankingBenchMiniVersion.V1;
}
