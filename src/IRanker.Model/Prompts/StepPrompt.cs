namespace IRanker.Model.Prompts;

/// <summary>
/// The prompt of one elimination step, as its chat parts and as text (ChatML, or the compact layout of
/// <see cref="PromptStyle.Compact"/>, whose system message is empty) split where it stops being the same from step to step.
/// </summary>
/// <param name="System">The system message.</param>
/// <param name="User">The user message (context, instruction, remaining candidates, answer format).</param>
/// <param name="AssistantPrefix">The text the assistant turn already starts with.</param>
/// <param name="StaticPrefix">
/// The start of <see cref="Text"/> that is identical for every step of the same query (system turn, the opening of
/// the user turn, the context and the instruction): its key/value cache can be computed once and reused. It ends with a
/// line break and <see cref="Rest"/> starts with a visible character, so byte-level BPE tokenizers encode the two parts
/// to the same tokens as the whole.
/// </param>
/// <param name="Rest">The remainder: the remaining candidates, the answer format, the assistant opening and prefix.</param>
/// <example>
/// <code>
/// StepPrompt prompt = PromptTemplate.For(RankingScenario.Passage).BuildStep(query, remaining: [0, 2, 3]);
/// var prefixIds = tokenizer.Encode(prompt.StaticPrefix);   // the same at every step
/// var restIds = tokenizer.Encode(prompt.Rest);
/// </code>
/// </example>
public sealed record StepPrompt(string System, string User, string AssistantPrefix, string StaticPrefix, string Rest)
{
    /// <summary>The whole prompt, ending with the assistant prefix (inside the open assistant turn in ChatML).</summary>
    public string Text => StaticPrefix + Rest;
}
