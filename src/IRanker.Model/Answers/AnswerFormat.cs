namespace IRanker.Model.Answers;

/// <summary>How the answer was found in a model output (problems are flags; several can hold at once).</summary>
/// <example><code>bool malformed = parsed.Format != AnswerFormat.WellFormed;</code></example>
[Flags]
internal enum AnswerFormat
{
    /// <summary>Exactly one <c>&lt;answer&gt;…&lt;/answer&gt;</c> with non-empty content.</summary>
    WellFormed = 0,
    /// <summary>No answer tag at all: the text after the last <c>&lt;/think&gt;</c> (or the whole output) was used.</summary>
    NoTags = 1,
    /// <summary>More than one complete answer: the last one was used.</summary>
    SeveralAnswers = 2,
    /// <summary>Only one of the two tags: the text after <c>&lt;answer&gt;</c> (or before <c>&lt;/answer&gt;</c>) was used.</summary>
    Unclosed = 4,
    /// <summary>The answer is empty or white space.</summary>
    Empty = 8,
}
