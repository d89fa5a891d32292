using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>The training and test lists of one task of a ranking benchmark.</summary>
/// <param name="Name">The task, e.g. <c>Movie</c>, <c>Balance</c>, <c>Passage-7</c>.</param>
/// <param name="Scenario">The task's scenario.</param>
/// <param name="Train">Training lists.</param>
/// <param name="Test">Test lists.</param>
/// <example>
/// <code>
/// RankingBenchTask movies = RankingBenchMini.Generate()["Movie"];
/// Console.WriteLine($"{movies.Name}: {movies.Train.Count} train, {movies.Test.Count} test");
/// </code>
/// </example>
public sealed record RankingBenchTask(string Name, RankingScenario Scenario, IReadOnlyList<RankingQuery> Train, IReadOnlyList<RankingQuery> Test);
