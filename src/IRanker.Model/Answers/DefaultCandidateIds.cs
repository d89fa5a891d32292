namespace IRanker.Model.Answers;

/// <summary>
/// The IDs the model sees for a list's candidates when the caller gives none: the rule the ML.NET trainer and transformer,
/// and the server, share, so a model sees at ranking time the IDs it was trained with.
/// </summary>
public static class DefaultCandidateIds
{
    /// <summary>
    /// <c>passage 1..N</c> for passages and generic lists; the candidate text (trimmed) for recommendation and routing,
    /// where the model answers with an item title or an LLM name, with <c> #2</c>, <c> #3</c>… on repeats. An empty text
    /// gives an empty ID, which the caller reports as an error naming the row.
    /// </summary>
    public static string[] For(RankingScenario scenario, IReadOnlyList<string> texts)
    {
        var ids = new string[texts.Count];
        if (scenario is RankingScenario.Passage or RankingScenario.Generic)
        {
            for (int i = 0; i < ids.Length; i++) ids[i] = $"passage {i + 1}";
            return ids;
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new HashSet<string>(texts.Select(t => t.Trim()), StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            string text = texts[i].Trim();
            int count = seen[text] = seen.GetValueOrDefault(text) + 1;
            if (count == 1) { ids[i] = text; continue; }
            // A repeated text: the next free "text #k" (a free name cannot collide with another candidate's text).
            string id;
            do id = $"{text} #{count++}"; while (!taken.Add(id));
            seen[text] = count - 1;
            ids[i] = id;
        }
        return ids;
    }
}
