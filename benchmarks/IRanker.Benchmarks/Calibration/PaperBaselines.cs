namespace IRanker.Benchmarks.Calibration;

/// <summary>The paper's BM25 row (MRR × 100, arXiv 2506.21638), the anchor Ranking-bench-mini version 2 is calibrated to.</summary>
internal static class PaperBaselines
{
    public static IReadOnlyDictionary<string, double> Bm25 { get; } = new Dictionary<string, double>(StringComparer.Ordinal)
    {
        ["Movie"] = 17.56, ["Music"] = 18.09, ["Game"] = 14.96,
        ["Performance"] = 18.41, ["Balance"] = 13.39, ["Cost"] = 13.52,
        ["Passage-5"] = 53.63, ["Passage-7"] = 44.95, ["Passage-9"] = 39.69,
    };
}
