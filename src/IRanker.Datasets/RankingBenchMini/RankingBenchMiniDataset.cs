using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>The generated Ranking-bench-mini: one <see cref="RankingBenchTask"/> per task, in the order of <see cref="RankingBenchMini.TaskNames"/>.</summary>
/// <example>
/// <code>
/// var data = RankingBenchMini.Generate();
/// IReadOnlyList&lt;RankingQuery&gt; train = data.Train;          // every task's training lists
/// IReadOnlyList&lt;RankingQuery&gt; passages = data["Passage-5"].Test;
/// data.WriteTo("ranking-bench-mini");
/// </code>
/// </example>
public sealed class RankingBenchMiniDataset
{
    internal RankingBenchMiniDataset(RankingBenchMiniOptions options, IReadOnlyList<RankingBenchTask> tasks)
    {
        Seed = options.Seed;
        Tasks = tasks;
    }

    /// <summary>The seed the data was generated with.</summary>
    public int Seed { get; }

    /// <summary>The tasks.</summary>
    public IReadOnlyList<RankingBenchTask> Tasks { get; }

    /// <summary>The training lists of every task, task after task.</summary>
    public IReadOnlyList<RankingQuery> Train => Tasks.SelectMany(t => t.Train).ToList();

    /// <summary>The test lists of every task, task after task.</summary>
    public IReadOnlyList<RankingQuery> Test => Tasks.SelectMany(t => t.Test).ToList();

    /// <summary>A task by name (e.g. <c>Movie</c>).</summary>
    /// <exception cref="KeyNotFoundException">The task was not generated.</exception>
    public RankingBenchTask this[string task] =>
        Tasks.FirstOrDefault(t => t.Name == task)
        ?? throw new KeyNotFoundException($"Task '{task}' is not in this data set; it has: {string.Join(", ", Tasks.Select(t => t.Name))}.");

    /// <summary>
    /// Writes every task's train and test lists as TSV, JSON lines and parquet, plus all tasks together as
    /// <c>train.tsv</c>/<c>test.tsv</c> and a <c>README.md</c> manifest (layout in docs/data.md).
    /// </summary>
    /// <param name="folder">The folder to write into; created if missing; existing files of the same names are replaced.</param>
    public void WriteTo(string folder) => RankingBenchMiniFolder.Write(this, folder);
}
