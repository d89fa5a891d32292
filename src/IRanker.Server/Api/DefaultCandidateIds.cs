using IRanker.Model.Ranking;

namespace IRanker.Server.Api;

/// <summary>
/// The IDs the model sees when a request gives none: the same rule as IRanker.MLNet's default candidate IDs, so a model
/// trained through ML.NET sees the IDs it was trained with.
/// </summary>
internal static class DefaultCandidateIds
{
    /// <summary><c>passage 1..N</c> for passages and generic lists; the text for recommendation and routing, with <c> #2</c>, <c> #3</c> on repeats.</summary>
    public static string[] For(RankingScenario scenario, IReadOnlyList<string> texts)
    {
        var ids = new string[texts.Count];
        if (scenario is RankingScenario.Passage or RankingScenario.Generic)
        {
            for (int i = 0; i < ids.Length; i++) ids[i] = $"passage {i + 1}";
            return ids;
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var taken = new HashSet<string>(texts, StringComparer.Ordinal);
        for (int i = 0; i < ids.Length; i++)
        {
            string text = texts[i];
            int count = seen[text] = seen.GetValueOrDefault(text) + 1;
            if (count == 1)
            {
                ids[i] = text;
                continue;
            }
            string id;
            do id = $"{text} #{count++}"; while (!taken.Add(id));
            seen[text] = count - 1;
            ids[i] = id;
        }
        return ids;
    }
}
