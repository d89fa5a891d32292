using IRanker.Model;

namespace IRanker.Evaluation.Baselines;

/// <summary>
/// Okapi BM25: ranks the candidates of each list by their BM25 score against the list's context.
/// </summary>
/// <remarks>
/// <para>The query is <see cref="RankingQuery.Context"/>; a candidate's document is its <see cref="RankingCandidate.Id"/>
/// followed by its <see cref="RankingCandidate.Text"/> (the text alone once when it equals the ID). Terms are maximal runs
/// of letters or digits, lower-cased; no stemming and no stop words.</para>
/// <para>score(q, d) = Σ over the distinct terms t of q of IDF(t) · f(t, d) · (k1 + 1) / (f(t, d) + k1 · (1 − b + b · |d| / avgdl)),
/// with IDF(t) = ln(1 + (N − n(t) + 0.5) / (n(t) + 0.5)), f(t, d) the count of t in d, |d| the number of terms of d.</para>
/// <para>N, n(t) and avgdl come from the candidates of the list being ranked (the default), or from a fixed corpus
/// passed to the constructor (then every list is scored against the same statistics). Ties keep the input order.
/// The results carry no elimination steps.</para>
/// </remarks>
/// <example>
/// <code>
/// var bm25 = new Bm25Ranker();
/// var result = bm25.Rank([query])[0];
/// float[] scores = bm25.Score(query);   // raw BM25 scores, in candidate order
/// </code>
/// </example>
public sealed class Bm25Ranker : IListRanker
{
    private readonly Bm25Statistics? _corpus;

    /// <summary>Creates a BM25 ranker whose IDF and average length come from each list's own candidates.</summary>
    /// <param name="k1">Term-frequency saturation (default 1.2).</param>
    /// <param name="b">Length normalisation, 0 (none) .. 1 (full) (default 0.75).</param>
    public Bm25Ranker(double k1 = 1.2, double b = 0.75)
    {
        if (k1 < 0) throw new ArgumentOutOfRangeException(nameof(k1), k1, "k1 must be >= 0.");
        if (b is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(b), b, "b must be between 0 and 1.");
        K1 = k1;
        B = b;
    }

    /// <summary>Creates a BM25 ranker whose IDF and average length come from a fixed corpus of documents.</summary>
    /// <param name="corpus">The documents (e.g. every candidate text of a training set); must not be empty.</param>
    /// <param name="k1">Term-frequency saturation (default 1.2).</param>
    /// <param name="b">Length normalisation, 0 (none) .. 1 (full) (default 0.75).</param>
    public Bm25Ranker(IEnumerable<string> corpus, double k1 = 1.2, double b = 0.75) : this(k1, b)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        _corpus = new Bm25Statistics(corpus.Select(Bm25Tokenizer.Tokenize));
        if (_corpus.DocumentCount == 0) throw new ArgumentException("The BM25 corpus has no documents.", nameof(corpus));
    }

    /// <summary>Term-frequency saturation.</summary>
    public double K1 { get; }

    /// <summary>Length normalisation.</summary>
    public double B { get; }

    /// <inheritdoc />
    public IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var results = new RankingResult[queries.Count];
        for (int q = 0; q < queries.Count; q++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scores = Score(queries[q]);
            // OrderBy is stable: equal scores keep the input order.
            var order = Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ToArray();
            results[q] = new RankingResult(queries[q], order, []);
        }
        return results;
    }

    /// <summary>The BM25 score of every candidate of <paramref name="query"/>, in candidate order.</summary>
    public float[] Score(RankingQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var documents = query.Candidates.Select(c => Bm25Tokenizer.Tokenize(DocumentText(c))).ToList();
        var statistics = _corpus ?? new Bm25Statistics(documents);
        var queryTerms = Bm25Tokenizer.Tokenize(query.Context).Distinct(StringComparer.Ordinal).ToList();
        var scores = new float[documents.Count];
        for (int d = 0; d < documents.Count; d++)
            scores[d] = (float)ScoreDocument(queryTerms, documents[d], statistics);
        return scores;
    }

    private double ScoreDocument(List<string> queryTerms, List<string> document, Bm25Statistics statistics)
    {
        var frequency = document.GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        double lengthRatio = statistics.AverageLength > 0 ? document.Count / statistics.AverageLength : 0;
        double score = 0;
        foreach (var term in queryTerms)
        {
            if (!frequency.TryGetValue(term, out int f)) continue;
            score += statistics.Idf(term) * f * (K1 + 1) / (f + K1 * (1 - B + B * lengthRatio));
        }
        return score;
    }

    private static string DocumentText(RankingCandidate candidate) =>
        string.Equals(candidate.Id, candidate.Text, StringComparison.Ordinal) ? candidate.Text : candidate.Id + " " + candidate.Text;
}
