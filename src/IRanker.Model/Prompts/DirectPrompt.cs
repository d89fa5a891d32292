using IRanker.Model.Answers;

namespace IRanker.Model.Prompts;

/// <summary>The prompt that asks for the whole ranking at once (the direct, "DRanker" baseline).</summary>
/// <param name="System">The system message.</param>
/// <param name="User">The user message (context, instruction, all candidates, answer format).</param>
/// <param name="AssistantPrefix">The text the assistant turn already starts with.</param>
/// <param name="Text">The whole prompt in ChatML, ending inside the open assistant turn.</param>
/// <example>
/// <code>
/// DirectPrompt prompt = PromptTemplate.For(RankingScenario.Passage).BuildDirect(query);
/// // the model answers e.g. "&lt;answer&gt;passage 2 &gt; passage 1 &gt; passage 3&lt;/answer&gt;"; see DirectRankingRepair
/// </code>
/// </example>
public sealed record DirectPrompt(string System, string User, string AssistantPrefix, string Text);
