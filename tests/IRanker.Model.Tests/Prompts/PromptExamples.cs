namespace IRanker.Model.Tests.Prompts;

/// <summary>Small queries of each scenario, in the shape of Ranking-bench.</summary>
internal static class PromptExamples
{
    public static RankingQuery Recommendation { get; } = new(
        "Heat (1995)\nToy Story (1995)\nThe Usual Suspects (1995)",
        [new("Casino (1995)", "Casino (1995)", 1), new("Babe (1995)", "Babe (1995)", 0), new("Se7en (1995)", "Se7en (1995)", 0)],
        RankingScenario.Recommendation, Task: "Movie", QueryId: "user-17");

    public static RankingQuery Routing { get; } = new(
        "What is 17 * 23?",
        [
            new("gpt-4o", "$5.00 per 1M tokens; strong at math and reasoning", 0),
            new("llama-3-8b", "$0.20 per 1M tokens; fast,\nweaker at math", 1),
            new("mixtral-8x7b", "$0.60 per 1M tokens; good general knowledge", 0),
        ],
        RankingScenario.Routing, Task: "Cost", QueryId: "q-3");

    public static RankingQuery Passage { get; } = new(
        "what is the capital of france",
        [
            new("passage 1", "Bananas are yellow when ripe.", 0),
            new("passage 2", "Paris is the capital and largest city of France.", 1),
            new("passage 3", "France borders Spain, Italy and Germany.", 0),
            new("passage 4", "The Eiffel Tower was finished in 1889.", 0),
        ],
        RankingScenario.Passage, QueryId: "msmarco-42");

    public static RankingQuery Generic { get; } = new(
        "a fruit for an apple pie",
        [new("A", "Granny Smith apple", 1), new("B", "Cavendish banana", 0)],
        RankingScenario.Generic);
}
