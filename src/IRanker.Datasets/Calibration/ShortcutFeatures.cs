using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// The surface features the calibration of Ranking-bench-mini checks (<see cref="ShortcutFeature"/>); the calibration
/// adds BM25 itself, whose lowest-first ranking is inverse BM25. Terms are lower-cased runs of letters or digits of a
/// candidate's text, as BM25 reads them.
/// </summary>
/// <example>
/// <code>
/// foreach (var feature in ShortcutFeatures.For(data["Passage-5"].Train))
///     Console.WriteLine($"{feature.Name}: {feature.Rank(data["Passage-5"].Test, highFirst: true).Count} lists ranked");
/// </code>
/// </example>
public static class ShortcutFeatures
{
    /// <summary>The features, with word rarity taken from <paramref name="corpus"/> (e.g. the task's training lists).</summary>
    /// <param name="corpus">Lists whose candidate texts give each term's document frequency.</param>
    /// <exception cref="ArgumentException"><paramref name="corpus"/> has no candidates.</exception>
    public static IReadOnlyList<ShortcutFeature> For(IReadOnlyList<RankingQuery> corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var candidate in corpus.SelectMany(q => q.Candidates))
            foreach (var term in Terms(candidate.Text).Distinct(StringComparer.Ordinal))
                documentFrequency[term] = documentFrequency.GetValueOrDefault(term) + 1;
        if (documentFrequency.Count == 0)
            throw new ArgumentException($"The corpus of {corpus.Count} lists has no candidate text with a word; pass the task's training lists.", nameof(corpus));
        var frequencies = documentFrequency.Values.Order().ToArray();
        int median = frequencies[frequencies.Length / 2];
        // A term the corpus never saw is rarest of all.
        bool IsRare(string term) => documentFrequency.GetValueOrDefault(term) < median;

        return
        [
            new("position", "place in the list (first listed scores highest)", false, q => Enumerable.Range(0, q.Candidates.Count).Select(i => (float)-i).ToArray()),
            new("words", "number of terms", false, q => PerCandidate(q, terms => terms.Count)),
            new("characters", "length of the text in characters", false, q => q.Candidates.Select(c => (float)c.Text.Length).ToArray()),
            new("sentences", "number of sentence ends (. ? !)", false, q => q.Candidates.Select(c => (float)c.Text.Count(ch => ch is '.' or '?' or '!')).ToArray()),
            new("distinct words", "number of distinct terms", false, q => PerCandidate(q, terms => terms.Distinct(StringComparer.Ordinal).Count())),
            new("rare words", "terms whose document frequency in the corpus is below the median of the corpus's terms", false, q => PerCandidate(q, terms => terms.Count(IsRare))),
            new("shared words", "for each distinct term, the number of other candidates of the list that contain it, summed", false, SharedWords),
            new("query words", "terms that occur in the query", true, q => QueryOverlap(q, distinct: false)),
            new("distinct query words", "distinct query terms the candidate contains", true, q => QueryOverlap(q, distinct: true)),
        ];
    }

    /// <summary>Lower-cased runs of letters or digits.</summary>
    internal static List<string> Terms(string text)
    {
        var terms = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inTerm = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inTerm && start < 0) start = i;
            else if (!inTerm && start >= 0)
            {
                terms.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
        return terms;
    }

    private static float[] PerCandidate(RankingQuery query, Func<List<string>, int> count) =>
        query.Candidates.Select(c => (float)count(Terms(c.Text))).ToArray();

    private static float[] QueryOverlap(RankingQuery query, bool distinct)
    {
        var queryTerms = Terms(query.Context).ToHashSet(StringComparer.Ordinal);
        return PerCandidate(query, terms => distinct ? terms.Distinct(StringComparer.Ordinal).Count(queryTerms.Contains) : terms.Count(queryTerms.Contains));
    }

    private static float[] SharedWords(RankingQuery query)
    {
        var sets = query.Candidates.Select(c => Terms(c.Text).ToHashSet(StringComparer.Ordinal)).ToList();
        return sets.Select((set, i) => (float)set.Sum(term => sets.Where((other, j) => j != i && other.Contains(term)).Count())).ToArray();
    }
}
