namespace IRanker.Datasets;

/// <summary>
/// Which version of the Ranking-bench-mini generator makes the data (<see cref="RankingBenchMiniOptions.Version"/>).
/// A version never changes once published: the same seed and sizes give the same lists bit for bit.
/// </summary>
public enum RankingBenchMiniVersion
{
    /// <summary>
    /// The first generator: relevance a small model can learn from the text. Its passages are easy for a lexical
    /// method (BM25 MRR 0.94-0.97 on Passage-5/7/9); the quickstart's documented results were measured on it.
    /// </summary>
    V1 = 1,

    /// <summary>
    /// Calibrated to the paper's baseline rows: passages with vocabulary mismatch (the relevant passage often names what
    /// the query asks with a synonym of its topic) and lexical hard negatives (passages on another topic that carry the
    /// query's words), so that BM25 sits a few points above random as in the paper; routing texts that share no word
    /// with the request, and recommendation negatives whose genres are balanced, so that BM25 is at chance there as in
    /// the paper. The relevance rules of recommendation and routing are those of <see cref="V1"/> (docs/data.md,
    /// "Version 2").
    /// </summary>
    V2 = 2,
}
