namespace IRanker.Model.Prompts;

/// <summary>
/// The template of passage ranking: the context is a search query, the candidates are passages whose IDs
/// (<c>passage 1</c>, <c>passage 2</c>, ...) keep their original numbers, so the IDs shown become sparse as passages are
/// eliminated; the model names the passage least likely to answer the query.
/// </summary>
/// <example>
/// <code>
/// var query = new RankingQuery("capital of France",
///     [new("passage 1", "Paris is the capital of France."), new("passage 2", "Bananas are yellow.")], RankingScenario.Passage);
/// var prompt = new PassagePromptTemplate().BuildStep(query, [0, 1]);
/// </code>
/// </example>
public class PassagePromptTemplate : PromptTemplate
{
    /// <inheritdoc/>
    protected override string Context(RankingQuery query) => $"Search query: {OneLine(query.Context)}";

    /// <inheritdoc/>
    protected override string EliminationInstruction(RankingQuery query) =>
        "Below are passages retrieved for this query, each with its ID. Find the ONE passage that is least likely to " +
        "answer the query, and answer with its ID only.";

    /// <inheritdoc/>
    protected override string DirectInstruction(RankingQuery query) =>
        "Below are passages retrieved for this query, each with its ID. Order ALL of them from the passage most likely " +
        "to answer the query to the one least likely to. Write their IDs only, separated by \" > \", most likely first " +
        "(for example: passage 2 > passage 1 > passage 3).";

    /// <inheritdoc/>
    protected override string CandidatesHeading(RankingQuery query) => "Passages:";

    /// <inheritdoc/>
    protected override string CandidateLine(RankingQuery query, int index)
    {
        var candidate = query.Candidates[index];
        return $"{candidate.Id}: {OneLine(candidate.Text)}";
    }
}
