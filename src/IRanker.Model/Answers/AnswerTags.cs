using System.Text.RegularExpressions;

namespace IRanker.Model.Answers;

/// <summary>
/// The answer vocabulary of IRanker, defined once: the tags a step's answer is written in. Prompts open them, the
/// decoder stops on them, the parser and the rewards read them, the Choice mode scores an ID followed by
/// <see cref="AnswerClose"/>.
/// </summary>
/// <example>
/// <code>
/// string answer = AnswerTags.AnswerOpen + "passage 3" + AnswerTags.AnswerClose;   // "&lt;answer&gt;passage 3&lt;/answer&gt;"
/// </code>
/// </example>
internal static partial class AnswerTags
{
    /// <summary>Opens the reasoning (Reasoning mode).</summary>
    public const string ThinkOpen = "<think>";

    /// <summary>Closes the reasoning (Reasoning mode).</summary>
    public const string ThinkClose = "</think>";

    /// <summary>Opens the answer: the ID of the candidate to eliminate.</summary>
    public const string AnswerOpen = "<answer>";

    /// <summary>Closes the answer.</summary>
    public const string AnswerClose = "</answer>";

    /// <summary>The tags whose count must be exactly one in a well-formed answer of <paramref name="mode"/>.</summary>
    internal static IReadOnlyList<string> Required(DecodingMode mode) => mode == DecodingMode.Reasoning
        ? [ThinkOpen, ThinkClose, AnswerOpen, AnswerClose]
        : [AnswerOpen, AnswerClose];

    /// <summary>Non-overlapping occurrences of <paramref name="tag"/> (ordinal).</summary>
    internal static int Count(string text, string tag)
    {
        int count = 0;
        for (int at = text.IndexOf(tag, StringComparison.Ordinal); at >= 0; at = text.IndexOf(tag, at + tag.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>Whether the text is exactly the answer shape of <paramref name="mode"/> (surrounding white space allowed), each tag once.</summary>
    internal static bool IsWellFormed(string text, DecodingMode mode)
    {
        if (Required(mode).Any(tag => Count(text, tag) != 1)) return false;
        return mode == DecodingMode.Reasoning ? ReasoningShape().IsMatch(text) : AnswerOnlyShape().IsMatch(text);
    }

    [GeneratedRegex(@"^\s*<think>.*</think>\s*<answer>.*</answer>\s*$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ReasoningShape();

    [GeneratedRegex(@"^\s*<answer>.*</answer>\s*$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerOnlyShape();
}
