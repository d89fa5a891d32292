using System.Text;
using System.Text.RegularExpressions;

namespace IRanker.Model.Answers;

/// <summary>
/// Turns a model's free-text answer into the remaining candidate it eliminates. It always picks exactly one, so an
/// elimination step never fails.
/// </summary>
/// <remarks>
/// <para>Extraction (<see cref="Extract"/>): the content of the last complete <c>&lt;answer&gt;…&lt;/answer&gt;</c> (the innermost,
/// when an answer tag was opened twice); else the
/// text after an unclosed <c>&lt;answer&gt;</c>, or before a lone <c>&lt;/answer&gt;</c> (an output generated after the
/// <c>&lt;answer&gt;</c> prefix of the prompt); else the text after the last <c>&lt;/think&gt;</c>; else the whole output.</para>
/// <para>Matching, first rule that applies:</para>
/// <list type="number">
/// <item><see cref="AnswerMatch.Exact"/>: the trimmed answer equals an ID (ordinal).</item>
/// <item><see cref="AnswerMatch.Normalized"/>: equal after case folding, collapsing white space and removing quotes, brackets,
/// asterisks and punctuation around the answer (<c>Passage 3.</c> → <c>passage 3</c>).</item>
/// <item><see cref="AnswerMatch.Fuzzy"/>: the normalised answer and ID with the highest ratio 2·LCS/(|a|+|b|) (LCS = longest
/// common subsequence of characters), if that ratio is above <see cref="FuzzyThreshold"/> and no other ID reaches it.</item>
/// <item><see cref="AnswerMatch.Nearest"/>: the highest cosine between TF-IDF vectors of character trigrams (IDF over the
/// remaining IDs, smoothed); ties, and empty answers, go to the last of the tied IDs in the order given.</item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// var parsed = AnswerParser.Match("&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;Passage 3.&lt;/answer&gt;", ["passage 1", "passage 3"]);
/// // parsed.Index == 1, parsed.Rule == AnswerMatch.Normalized
/// </code>
/// </example>
internal static class AnswerParser
{
    /// <summary>
    /// The LCS ratio a fuzzy match must exceed. 0.9 accepts a typo or a dropped word in a title
    /// (<c>The Matrx (1999)</c>) but not another passage number (<c>passage 3</c> against <c>passage 4</c> is 0.89).
    /// </summary>
    public const double FuzzyThreshold = 0.9;

    private static readonly Regex CompleteAnswerBlock = new(@"<answer>((?:(?!<answer>).)*?)</answer>", RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);
    private const string Open = AnswerTags.AnswerOpen;
    private const string Close = AnswerTags.AnswerClose;
    private const string ThinkOpen = AnswerTags.ThinkOpen;
    private const string ThinkClose = AnswerTags.ThinkClose;

    /// <summary>The eliminated candidate: an index into <paramref name="remainingIds"/> and the rule that chose it.</summary>
    /// <param name="modelOutput">The assistant's text, best including the assistant prefix of the prompt.</param>
    /// <param name="remainingIds">The IDs of the candidates still in the pool (at least one).</param>
    public static ParsedAnswer Match(string modelOutput, IReadOnlyList<string> remainingIds)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(remainingIds);
        if (remainingIds.Count == 0) throw new ArgumentException("There must be at least one remaining candidate.", nameof(remainingIds));

        var answer = Extract(modelOutput);
        if (remainingIds.Count == 1) return new ParsedAnswer(0, AnswerMatch.LastRemaining, answer);
        if (MatchStrict(answer.Text, remainingIds) is var (index, rule)) return new ParsedAnswer(index, rule, answer);

        string normalized = Normalize(answer.Text);
        var ids = remainingIds.Select(Normalize).ToArray();
        if (normalized.Length > 0 && FuzzyBest(normalized, ids) is int fuzzy) return new ParsedAnswer(fuzzy, AnswerMatch.Fuzzy, answer);
        return new ParsedAnswer(TfIdfNearest.Best(normalized, ids), AnswerMatch.Nearest, answer);
    }

    /// <summary>
    /// The ID that an extracted answer names by the strict rules alone (<see cref="AnswerMatch.Exact"/>, then
    /// <see cref="AnswerMatch.Normalized"/>), or null: what training rewards as naming a candidate, where ranking goes
    /// on to the fuzzy and nearest rules so that a step never fails.
    /// </summary>
    /// <param name="answer">The answer text (as <see cref="Extract"/> gives it: trimmed).</param>
    /// <param name="remainingIds">The IDs of the candidates still in the pool.</param>
    public static (int Index, AnswerMatch Rule)? MatchStrict(string answer, IReadOnlyList<string> remainingIds)
    {
        for (int i = 0; i < remainingIds.Count; i++)
            if (string.Equals(answer, remainingIds[i].Trim(), StringComparison.Ordinal)) return (i, AnswerMatch.Exact);
        string normalized = Normalize(answer);
        if (normalized.Length == 0) return null;
        for (int i = 0; i < remainingIds.Count; i++)
            if (normalized == Normalize(remainingIds[i])) return (i, AnswerMatch.Normalized);
        return null;
    }

    /// <summary>The content of the last complete <c>&lt;answer&gt;…&lt;/answer&gt;</c> block, trimmed, or null when there is none.</summary>
    public static string? CompleteAnswer(string modelOutput)
    {
        var answer = Extract(modelOutput);
        return (answer.Format & (AnswerFormat.NoTags | AnswerFormat.Unclosed)) == 0 ? answer.Text : null;
    }

    /// <summary>Takes the answer out of a model output (see the remarks of <see cref="AnswerParser"/>).</summary>
    public static ExtractedAnswer Extract(string modelOutput)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        var complete = CompleteAnswerBlock.Matches(modelOutput);
        AnswerFormat format;
        string text;
        if (complete.Count > 0)
        {
            text = complete[^1].Groups[1].Value;
            format = complete.Count > 1 ? AnswerFormat.SeveralAnswers : AnswerFormat.WellFormed;
        }
        else if (modelOutput.LastIndexOf(Open, StringComparison.OrdinalIgnoreCase) is int open and >= 0)
        {
            text = modelOutput[(open + Open.Length)..];
            format = AnswerFormat.Unclosed;
        }
        else if (modelOutput.IndexOf(Close, StringComparison.OrdinalIgnoreCase) is int close and >= 0)
        {
            text = modelOutput[..close];
            int think = text.LastIndexOf(ThinkClose, StringComparison.OrdinalIgnoreCase);
            if (think >= 0) text = text[(think + ThinkClose.Length)..];
            format = AnswerFormat.Unclosed;
        }
        else
        {
            int think = modelOutput.LastIndexOf(ThinkClose, StringComparison.OrdinalIgnoreCase);
            text = think >= 0 ? modelOutput[(think + ThinkClose.Length)..] : modelOutput;
            // An unfinished reasoning: what follows the opened tag is the model's text.
            int opened = think >= 0 ? -1 : text.IndexOf(ThinkOpen, StringComparison.OrdinalIgnoreCase);
            if (opened >= 0) text = text[(opened + ThinkOpen.Length)..];
            format = AnswerFormat.NoTags;
        }

        text = text.Trim();
        if (text.Length == 0) format |= AnswerFormat.Empty;
        return new ExtractedAnswer(text, format);
    }

    /// <summary>Case-folded, white space collapsed, quotes/brackets/asterisks/punctuation around the text removed.</summary>
    internal static string Normalize(string text)
    {
        var collapsed = new StringBuilder(text.Length);
        foreach (string word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            if (collapsed.Length > 0) collapsed.Append(' ');
            collapsed.Append(word);
        }
        return collapsed.ToString().Trim(SurroundingNoise).Trim().ToLowerInvariant();
    }

    private static readonly char[] SurroundingNoise = ['"', '\'', '`', '*', '.', ',', ';', ':', '!', '?', '[', ']', '(', ')', '{', '}', '<', '>', ' ', '\u201C', '\u201D', '\u2018', '\u2019'];

    private static int? FuzzyBest(string answer, string[] ids)
    {
        double best = -1, second = -1;
        int bestIndex = -1;
        for (int i = 0; i < ids.Length; i++)
        {
            double ratio = LcsRatio(answer, ids[i]);
            if (ratio > best) { second = best; best = ratio; bestIndex = i; }
            else if (ratio > second) second = ratio;
        }
        return best > FuzzyThreshold && second < best ? bestIndex : null;
    }

    /// <summary>2·LCS(a, b) / (|a| + |b|), in [0, 1]; 1 for two empty strings.</summary>
    internal static double LcsRatio(string a, string b)
    {
        if (a.Length + b.Length == 0) return 1;
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return 2.0 * previous[b.Length] / (a.Length + b.Length);
    }
}
