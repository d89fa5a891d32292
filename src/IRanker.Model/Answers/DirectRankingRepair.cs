namespace IRanker.Model.Answers;

/// <summary>
/// Turns a generated permutation (the direct, "DRanker" answer) into a complete ranking of the candidates.
/// </summary>
/// <remarks>
/// <para>The answer is taken out of the output as <see cref="AnswerParser.Extract"/> does. It is split on <c>&gt;</c> when it
/// contains one, else on line breaks when it has several lines, else on commas (so titles with commas survive the
/// usual <c>a &gt; b &gt; c</c> form). Each item is trimmed of list markers (<c>1.</c>, <c>-</c>, <c>*</c>) and matched to an ID
/// exactly, or else after the normalisation of <see cref="AnswerParser"/> (case, white space, surrounding punctuation).</para>
/// <para>Repair: items that match no ID are dropped, repeated IDs keep their first place, and IDs the answer left out are
/// appended in input order.</para>
/// </remarks>
/// <example>
/// <code>
/// var repaired = DirectRankingRepair.Repair("&lt;answer&gt;passage 3 &gt; passage 9 &gt; passage 3&lt;/answer&gt;", ["passage 1", "passage 2", "passage 3"]);
/// // repaired.Order == [2, 0, 1]; Unknown == 1; Duplicates == 1; Missing == 2
/// </code>
/// </example>
internal static class DirectRankingRepair
{
    /// <summary>Repairs the permutation in <paramref name="modelOutput"/> over candidates with the given <paramref name="ids"/>.</summary>
    public static RepairedRanking Repair(string modelOutput, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(modelOutput);
        ArgumentNullException.ThrowIfNull(ids);
        string answer = AnswerParser.Extract(modelOutput).Text;

        var exact = new Dictionary<string, int>(StringComparer.Ordinal);
        var normalized = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Count; i++)
        {
            exact.TryAdd(ids[i].Trim(), i);
            normalized.TryAdd(AnswerParser.Normalize(ids[i]), i);
        }

        var order = new List<int>(ids.Count);
        var placed = new bool[ids.Count];
        int unknown = 0, duplicates = 0;
        foreach (string item in Items(answer))
        {
            if (!exact.TryGetValue(item, out int index) && !normalized.TryGetValue(AnswerParser.Normalize(item), out index)) { unknown++; continue; }
            if (placed[index]) { duplicates++; continue; }
            placed[index] = true;
            order.Add(index);
        }
        int missing = 0;
        for (int i = 0; i < ids.Count; i++)
        {
            if (placed[i]) continue;
            order.Add(i);
            missing++;
        }
        return new RepairedRanking(order, unknown, duplicates, missing);
    }

    private static IEnumerable<string> Items(string answer)
    {
        char[] separators = answer.Contains('>') ? ['>']
            : answer.Contains('\n') ? ['\n', '\r']
            : [','];
        foreach (string raw in answer.Split(separators, StringSplitOptions.RemoveEmptyEntries))
        {
            string item = StripListMarker(raw.Trim());
            if (item.Length > 0) yield return item;
        }
    }

    private static string StripListMarker(string item)
    {
        if (item.StartsWith("- ", StringComparison.Ordinal) || item.StartsWith("* ", StringComparison.Ordinal)) return item[2..].Trim();
        int digits = 0;
        while (digits < item.Length && char.IsAsciiDigit(item[digits])) digits++;
        bool numbered = digits > 0 && digits + 1 < item.Length && (item[digits] == '.' || item[digits] == ')') && item[digits + 1] == ' ';
        return numbered ? item[(digits + 2)..].Trim() : item;
    }
}
