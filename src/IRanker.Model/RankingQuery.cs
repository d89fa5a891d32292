namespace IRanker.Model;

/// <summary>A list to rank: a context (a user's history, a query) and its candidates.</summary>
/// <param name="Context">The context text shown to the model before the candidates.</param>
/// <param name="Candidates">The candidates, in input order.</param>
/// <param name="Scenario">Which prompt template applies.</param>
/// <param name="Task">The task within the scenario, e.g. <c>Movie</c> or the routing objective <c>Performance</c>, <c>Balance</c>, <c>Cost</c>.</param>
/// <param name="QueryId">An identifier for reporting (e.g. the ML.NET group id).</param>
/// <example>
/// <code>
/// var query = new RankingQuery("what is the capital of France",
///     [new("passage 1", "Paris is the capital of France.", 1), new("passage 2", "Bananas are yellow.", 0)],
///     RankingScenario.Passage);
/// </code>
/// </example>
public sealed record RankingQuery(
    string Context,
    IReadOnlyList<RankingCandidate> Candidates,
    RankingScenario Scenario = RankingScenario.Generic,
    string? Task = null,
    string? QueryId = null)
{
    /// <summary>Whether every candidate has a label.</summary>
    public bool HasLabels => Candidates.Count > 0 && Candidates.All(c => c.Label is not null);
}
