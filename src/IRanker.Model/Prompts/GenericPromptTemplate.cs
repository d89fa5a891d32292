namespace IRanker.Model.Prompts;

/// <summary>The template for any context and candidates: a neutral instruction; the answer is a candidate's ID.</summary>
/// <example><code>var prompt = new GenericPromptTemplate().BuildStep(new RankingQuery("best fruit for a pie", candidates), [0, 1, 2]);</code></example>
public class GenericPromptTemplate : PromptTemplate
{
    /// <inheritdoc/>
    protected override string Context(RankingQuery query) => $"Context:\n{query.Context.Trim()}";

    /// <inheritdoc/>
    protected override string EliminationInstruction(RankingQuery query) =>
        "Below are candidates for this context. Find the ONE candidate that fits the context worst, " +
        "and answer with its ID exactly as it is written in the list.";

    /// <inheritdoc/>
    protected override string DirectInstruction(RankingQuery query) =>
        "Below are candidates for this context. Order ALL of them from the one that fits the context best to the one " +
        "that fits it worst. Write their IDs exactly as they are written in the list, separated by \" > \", best first.";
}
