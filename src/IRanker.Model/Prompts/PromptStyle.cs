namespace IRanker.Model.Prompts;

/// <summary>
/// The wording of a built-in template's step prompt: the paper's chat prompt or the compact one. Not to be confused with
/// <see cref="PromptLayout"/>, which says how the prompts of one list's successive steps relate.
/// </summary>
/// <example><code>var prompt = PromptTemplate.For(RankingScenario.Passage, PromptStyle.Compact).BuildStep(query, remaining, DecodingMode.Choice);</code></example>
public enum PromptStyle
{
    /// <summary>
    /// The paper's prompt in ChatML: a system turn, the context, the instruction, the candidates and the answer format
    /// in the user turn, then the open assistant turn. For instruction-tuned checkpoints.
    /// </summary>
    Chat,

    /// <summary>
    /// Only what a model trained from scratch can use: the context, the task's objective where the scenario has one
    /// (routing), the candidate list and the assistant prefix, with no chat markup, system turn or instructions. On
    /// Ranking-bench-mini's passages a small model from scratch learned elimination with it, and stayed at chance with
    /// <see cref="Chat"/> in the same budget (docs/training.md).
    /// </summary>
    Compact,
}
