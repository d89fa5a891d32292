namespace IRanker.Model.Ranking;

/// <summary>The kind of ranking task; it selects the prompt template.</summary>
public enum RankingScenario
{
    /// <summary>Any context and candidates; a neutral instruction.</summary>
    Generic,
    /// <summary>A user's history of items; candidates are items named by title.</summary>
    Recommendation,
    /// <summary>A query and a table of LLMs (price, strengths); candidates are LLM names.</summary>
    Routing,
    /// <summary>A search query; candidates are passages named <c>passage i</c>.</summary>
    Passage,
}

/// <summary>One candidate of a ranking query.</summary>
/// <param name="Id">The name the model sees and answers with (a title, an LLM name, <c>passage 3</c>).</param>
/// <param name="Text">The candidate's text (for passages the passage, for items their description; may equal <paramref name="Id"/>).</param>
/// <param name="Label">Graded relevance (0 = irrelevant .. 4), where known; higher is better.</param>
/// <example><code>new RankingCandidate("passage 1", "Paris is the capital of France.", Label: 1)</code></example>
public sealed record RankingCandidate(string Id, string Text, float? Label = null);

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
