namespace IRanker.Model.Ranking.Prompts;

/// <summary>How the model is asked to answer an elimination step; each mode ends the prompt differently.</summary>
/// <example><code>var prompt = PromptTemplate.For(RankingScenario.Passage).BuildStep(query, remaining, PromptMode.Choice);</code></example>
public enum PromptMode
{
    /// <summary>The paper's prompt: think inside <c>&lt;think&gt;</c>, then answer inside <c>&lt;answer&gt;</c>; the assistant turn starts with <c>Let me solve this step by step.\n&lt;think&gt;</c>.</summary>
    Reasoning,
    /// <summary>Answer at once inside <c>&lt;answer&gt;&lt;/answer&gt;</c>; the assistant turn starts with <c>&lt;answer&gt;</c>.</summary>
    Answer,
    /// <summary>As <see cref="Answer"/>; the candidate IDs are scored as continuations of the prompt instead of being generated.</summary>
    Choice,
}
