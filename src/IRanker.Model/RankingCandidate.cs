namespace IRanker.Model;

/// <summary>One candidate of a ranking query.</summary>
/// <param name="Id">The name the model sees and answers with (a title, an LLM name, <c>passage 3</c>).</param>
/// <param name="Text">The candidate's text (for passages the passage, for items their description; may equal <paramref name="Id"/>).</param>
/// <param name="Label">Graded relevance (0 = irrelevant .. 4), where known; higher is better.</param>
/// <example><code>new RankingCandidate("passage 1", "Paris is the capital of France.", Label: 1)</code></example>
public sealed record RankingCandidate(string Id, string Text, float? Label = null);
