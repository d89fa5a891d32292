using System.Text;
using System.Text.RegularExpressions;

namespace IRanker.Datasets;

/// <summary>
/// Reads the parts this project needs out of a Ranking-bench <c>problem</c>, which there is the whole task prompt:
/// the context (history, request or query), the passage IDs, and the LLM descriptions. A <c>problem</c> that is not
/// such a prompt is taken as the context itself.
/// </summary>
internal static partial class RankingBenchPrompt
{
    /// <summary>
    /// Recommendation prompts: the history between "in order:" and the blank line before "Now there are", written as a
    /// Python list of '<c>i. title</c>' strings; returned one title per line. Routing and passage prompts: the text
    /// between "Here is a query:" and " and LLM condidates"/" and candidate passages". Otherwise the trimmed problem.
    /// </summary>
    public static string Context(string problem)
    {
        var history = HistoryBlock().Match(problem);
        if (history.Success)
        {
            var items = PythonStringList(history.Groups["list"].Value.Trim());
            return items is { Count: > 0 }
                ? string.Join('\n', items.Select(i => NumberPrefix().Replace(i, "", 1)))
                : history.Groups["list"].Value.Trim();
        }
        var query = QueryPhrase().Match(problem);
        return query.Success ? query.Groups["query"].Value.Trim() : problem.Trim();
    }

    /// <summary>The IDs of lines "passage N: text", in order (empty when there are none).</summary>
    public static List<string> PassageIds(string problem) =>
        PassageLine().Matches(problem).Select(m => m.Groups["id"].Value).ToList();

    /// <summary>Lines "# Name: description" of a routing prompt, by name (the value is the whole "Name: description").</summary>
    public static Dictionary<string, string> LlmDescriptions(string problem)
    {
        var descriptions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in LlmLine().Matches(problem))
            descriptions.TryAdd(m.Groups["name"].Value.Trim(), $"{m.Groups["name"].Value.Trim()}: {m.Groups["text"].Value.Trim()}");
        return descriptions;
    }

    /// <summary>Parses <c>['a', "b's", 'c\'d']</c>; null when the text is not such a list.</summary>
    internal static List<string>? PythonStringList(string text)
    {
        if (text.Length < 2 || text[0] != '[' || text[^1] != ']') return null;
        var items = new List<string>();
        int i = 1;
        while (true)
        {
            while (i < text.Length && (char.IsWhiteSpace(text[i]) || text[i] == ',')) i++;
            if (i >= text.Length - 1) return i == text.Length - 1 ? items : null;
            char quote = text[i];
            if (quote is not ('\'' or '"')) return null;
            var item = new StringBuilder();
            i++;
            while (i < text.Length && text[i] != quote)
            {
                if (text[i] == '\\' && i + 1 < text.Length) i++;
                item.Append(text[i++]);
            }
            if (i >= text.Length) return null;
            items.Add(item.ToString());
            i++;
        }
    }

    [GeneratedRegex(@"in order:\s*\n(?<list>.*?)\n\s*\n\s*Now there are", RegexOptions.Singleline)]
    private static partial Regex HistoryBlock();

    [GeneratedRegex(@"Here is a query:\s*(?<query>.*?)\s+and (?:LLM condidates|LLM candidates|candidate passages)", RegexOptions.Singleline)]
    private static partial Regex QueryPhrase();

    [GeneratedRegex(@"^\d+\.\s*")]
    private static partial Regex NumberPrefix();

    [GeneratedRegex(@"^[ \t]*(?<id>passage \d+):", RegexOptions.Multiline)]
    private static partial Regex PassageLine();

    [GeneratedRegex(@"^[ \t]*#[ \t]*(?<name>[^:#\r\n]+?):[ \t]*(?<text>[^\r\n]+)$", RegexOptions.Multiline)]
    private static partial Regex LlmLine();
}
