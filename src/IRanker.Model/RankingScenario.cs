namespace IRanker.Model;

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
