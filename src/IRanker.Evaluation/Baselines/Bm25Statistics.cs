namespace IRanker.Evaluation.Baselines;

/// <summary>Document frequencies and average length of a collection of documents: the corpus side of BM25.</summary>
internal sealed class Bm25Statistics
{
    private readonly Dictionary<string, int> _documentFrequency = new(StringComparer.Ordinal);

    public Bm25Statistics(IEnumerable<IReadOnlyList<string>> documents)
    {
        long totalLength = 0;
        foreach (var terms in documents)
        {
            DocumentCount++;
            totalLength += terms.Count;
            foreach (var term in terms.Distinct(StringComparer.Ordinal))
                _documentFrequency[term] = _documentFrequency.GetValueOrDefault(term) + 1;
        }
        AverageLength = DocumentCount == 0 ? 0 : (double)totalLength / DocumentCount;
    }

    public int DocumentCount { get; }

    public double AverageLength { get; }

    /// <summary>ln(1 + (N - n + 0.5) / (n + 0.5)): never negative, so a term in every document still counts a little.</summary>
    public double Idf(string term)
    {
        int n = _documentFrequency.GetValueOrDefault(term);
        return Math.Log(1.0 + (DocumentCount - n + 0.5) / (n + 0.5));
    }
}
