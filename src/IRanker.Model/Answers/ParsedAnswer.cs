namespace IRanker.Model.Answers;

/// <summary>The remaining candidate that an answer eliminates.</summary>
/// <param name="Index">Index into the <c>remainingIds</c> given to <see cref="AnswerParser.Match"/>.</param>
/// <param name="Rule">Which rule matched.</param>
/// <param name="Answer">The answer text that was matched, and how it was found.</param>
/// <example><code>ParsedAnswer parsed = AnswerParser.Match(output, ["passage 2", "passage 4"]); int eliminated = remaining[parsed.Index];</code></example>
internal sealed record ParsedAnswer(int Index, AnswerMatch Rule, ExtractedAnswer Answer)
{
    /// <summary>Whether the answer named none of the remaining candidates exactly or after normalisation.</summary>
    public bool NotInPool => Rule is AnswerMatch.Fuzzy or AnswerMatch.Nearest;
}
