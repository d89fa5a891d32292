namespace IRanker.Model.Prompts;

/// <summary>
/// The template of LLM routing: the context is a user query, the candidates are LLMs (ID = the model's name,
/// Text = its price and what it is good at), and the model names the LLM least suited to the query.
/// </summary>
/// <remarks>
/// <see cref="RankingQuery.Task"/> sets the objective: <c>Performance</c> (answer quality only), <c>Balance</c>
/// (quality and cost equally; the default when Task is null), <c>Cost</c> (cost first, quality second).
/// </remarks>
/// <example>
/// <code>
/// var query = new RankingQuery("What is 17 * 23?",
///     [new("gpt-4o", "$5.00 per 1M tokens; strong at math and reasoning"), new("llama-3-8b", "$0.20 per 1M tokens; fast, weaker at math")],
///     RankingScenario.Routing, Task: "Cost");
/// var prompt = new RoutingPromptTemplate().BuildStep(query, [0, 1]);
/// </code>
/// </example>
public class RoutingPromptTemplate : PromptTemplate
{
    /// <inheritdoc/>
    protected override string Context(RankingQuery query) => $"A user sent this query:\n{query.Context.Trim()}";

    /// <inheritdoc/>
    protected override string EliminationInstruction(RankingQuery query) =>
        $"The query can be routed to one of the LLMs below (name: price and strengths). {Objective(query.Task)} " +
        "Find the ONE LLM that is least suitable for this query by that measure, and answer with its name exactly as it is written in the list.";

    /// <inheritdoc/>
    protected override string DirectInstruction(RankingQuery query) =>
        $"The query can be routed to one of the LLMs below (name: price and strengths). {Objective(query.Task)} " +
        "Order ALL of the LLMs from the most suitable to the least suitable for this query by that measure. " +
        "Write their names exactly as they are written in the list, separated by \" > \", most suitable first.";

    /// <inheritdoc/>
    protected override string CandidatesHeading(RankingQuery query) => "LLMs:";

    /// <inheritdoc/>
    protected override string? CompactObjective(RankingQuery query) => Objective(query.Task);

    private static string Objective(string? task) => task?.Trim().ToLowerInvariant() switch
    {
        "performance" => "Judge the LLMs only by how well they would answer the query; price does not matter.",
        null or "" or "balance" => "Judge the LLMs by how well they would answer the query and by their price, both counting equally.",
        "cost" => "Judge the LLMs mainly by their price, and only secondly by how well they would answer the query.",
        _ => throw new ArgumentException($"Unknown routing task '{task}': use Performance, Balance or Cost (or null for Balance).", nameof(task)),
    };
}
