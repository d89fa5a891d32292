namespace IRanker.Model;

/// <summary>Maps task names (Ranking-bench's, and scenario names) to the scenario whose prompt template fits them.</summary>
/// <example><code>RankingTasks.ScenarioOf("Passage-7"); // RankingScenario.Passage</code></example>
public static class RankingTasks
{
    /// <summary>
    /// The scenario of a task: <c>Movie</c>, <c>Music</c>, <c>Game</c> (also <c>Rec-…</c>) → Recommendation;
    /// <c>Performance</c>, <c>Balance</c>, <c>Cost</c> (also <c>Router-…</c>) → Routing; <c>Passage-N</c> → Passage; a scenario's
    /// own name → that scenario; anything else → null. Case-insensitive.
    /// </summary>
    public static RankingScenario? ScenarioOf(string? task)
    {
        if (string.IsNullOrWhiteSpace(task)) return null;
        string t = task.Trim();
        if (Enum.TryParse<RankingScenario>(t, ignoreCase: true, out var scenario) && !int.TryParse(t, out _)) return scenario;
        if (t.StartsWith("Passage", StringComparison.OrdinalIgnoreCase)) return RankingScenario.Passage;
        if (t.StartsWith("Rec-", StringComparison.OrdinalIgnoreCase) || Is(t, "Movie", "Music", "Game", "Movies", "Games", "CDs"))
            return RankingScenario.Recommendation;
        if (t.StartsWith("Router", StringComparison.OrdinalIgnoreCase) || Is(t, "Performance", "Balance", "Cost"))
            return RankingScenario.Routing;
        return null;
    }

    private static bool Is(string t, params string[] names) => names.Any(n => string.Equals(t, n, StringComparison.OrdinalIgnoreCase));
}
