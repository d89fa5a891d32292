using System.Text.RegularExpressions;

namespace IRanker.Model.Training.Rewards;

/// <summary>Reads the answer tags of a free-text response.</summary>
internal static partial class AnswerTags
{
    public const string ThinkOpen = "<think>";
    public const string ThinkClose = "</think>";
    public const string AnswerOpen = "<answer>";
    public const string AnswerClose = "</answer>";

    /// <summary>The tags whose count must be exactly one for a format.</summary>
    public static IReadOnlyList<string> Required(ResponseFormat format) => format == ResponseFormat.Reasoning
        ? [ThinkOpen, ThinkClose, AnswerOpen, AnswerClose]
        : [AnswerOpen, AnswerClose];

    /// <summary>Non-overlapping occurrences of <paramref name="tag"/> (ordinal).</summary>
    public static int Count(string text, string tag)
    {
        int count = 0;
        for (int at = text.IndexOf(tag, StringComparison.Ordinal); at >= 0; at = text.IndexOf(tag, at + tag.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>The content of the LAST complete <c>&lt;answer&gt;…&lt;/answer&gt;</c> block, trimmed; null if there is none.</summary>
    public static string? LastAnswer(string text)
    {
        int close = text.LastIndexOf(AnswerClose, StringComparison.Ordinal);
        while (close >= 0)
        {
            int open = text.LastIndexOf(AnswerOpen, close, StringComparison.Ordinal);
            if (open >= 0) return text[(open + AnswerOpen.Length)..close].Trim();
            close = close == 0 ? -1 : text.LastIndexOf(AnswerClose, close - 1, StringComparison.Ordinal);
        }
        return null;
    }

    /// <summary>Whether the text is exactly the format (surrounding white space allowed), each tag once.</summary>
    public static bool IsWellFormed(string text, ResponseFormat format)
    {
        if (Required(format).Any(tag => Count(text, tag) != 1)) return false;
        return format == ResponseFormat.Reasoning ? ReasoningShape().IsMatch(text) : AnswerOnlyShape().IsMatch(text);
    }

    /// <summary>Collapses white space runs to one space and trims.</summary>
    public static string Normalize(string text) => WhiteSpace().Replace(text, " ").Trim();

    [GeneratedRegex(@"^\s*<think>.*</think>\s*<answer>.*</answer>\s*$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ReasoningShape();

    [GeneratedRegex(@"^\s*<answer>.*</answer>\s*$", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex AnswerOnlyShape();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhiteSpace();
}
