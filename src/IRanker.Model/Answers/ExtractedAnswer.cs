namespace IRanker.Model.Answers;

/// <summary>The answer text taken out of a model output, and how it was found.</summary>
/// <param name="Text">The answer, trimmed.</param>
/// <param name="Format">How it was found.</param>
/// <example><code>ExtractedAnswer answer = AnswerParser.Extract("&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;passage 3&lt;/answer&gt;"); // Text "passage 3"</code></example>
internal sealed record ExtractedAnswer(string Text, AnswerFormat Format);
