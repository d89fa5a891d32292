using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// Maps a task name, the mini benchmark's (<c>Movie</c>) or Ranking-bench's (<c>Rec-Movie</c>, <c>Router-Cost</c>,
/// <c>Router-Performance First</c>), to the short task name and its scenario.
/// </summary>
internal static class RankingBenchTaskNames
{
    public static (string? Task, RankingScenario Scenario) Parse(string? taskName)
    {
        if (string.IsNullOrWhiteSpace(taskName)) return (null, RankingScenario.Generic);
        var name = taskName.Trim();
        foreach (var prefix in new[] { "Rec-", "Router-" })
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) name = name[prefix.Length..];
        if (name.EndsWith(" First", StringComparison.OrdinalIgnoreCase)) name = name[..^" First".Length];

        foreach (var known in RankingBenchMini.TaskNames)
            if (string.Equals(known, name, StringComparison.OrdinalIgnoreCase)) name = known;

        return name switch
        {
            "Movie" or "Music" or "Game" => (name, RankingScenario.Recommendation),
            "Performance" or "Balance" or "Cost" => (name, RankingScenario.Routing),
            _ when name.StartsWith("Passage", StringComparison.OrdinalIgnoreCase) => (name, RankingScenario.Passage),
            _ => (taskName.Trim(), RankingScenario.Generic),
        };
    }
}
