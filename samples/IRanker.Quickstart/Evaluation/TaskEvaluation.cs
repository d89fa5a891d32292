using IRanker.Model;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.Quickstart.Evaluation;

/// <summary>The metrics of one method on one task's test lists, and its reciprocal rank on each list (for paired comparisons).</summary>
internal sealed record TaskMetrics(string Method, string Task, int Lists, double Mrr, double Hit1, double Hit3,
    double Ndcg1, double Ndcg3, double Ndcg5, double Ndcg10, IReadOnlyList<double> ReciprocalRanks);

/// <summary>
/// Scores per candidate (higher = better) → ML.NET's NDCG@1/3/5/10 (<c>mlContext.Ranking.Evaluate</c>) and the
/// project's MRR and Hit@k (<see cref="ListMetrics"/>). Every method goes through the same evaluation.
/// </summary>
internal static class TaskEvaluation
{
    private sealed class ScoredRow
    {
        public uint GroupId { get; set; }
        public float Label { get; set; }
        public float Score { get; set; }
    }

    public static TaskMetrics Evaluate(MLContext ml, string method, string task,
        IReadOnlyList<RankingQuery> lists, IReadOnlyList<float[]> scores)
    {
        if (lists.Count != scores.Count) throw new ArgumentException("One score array per list is needed.", nameof(scores));
        var rows = new List<ScoredRow>();
        double hit1 = 0, hit3 = 0;
        var reciprocalRanks = new double[lists.Count];
        for (int q = 0; q < lists.Count; q++)
        {
            var labels = lists[q].Candidates.Select(c => c.Label ?? 0f).ToArray();
            if (scores[q].Length != labels.Length) throw new ArgumentException($"List {q} of {task} has {labels.Length} candidates but {scores[q].Length} scores.");
            // Stable descending order: ties keep the input order, for every method alike.
            var order = Enumerable.Range(0, labels.Length).OrderByDescending(i => scores[q][i]).ToArray();
            reciprocalRanks[q] = ListMetrics.ReciprocalRank(order, labels);
            hit1 += ListMetrics.Hit(order, labels, 1);
            hit3 += ListMetrics.Hit(order, labels, 3);
            for (int i = 0; i < labels.Length; i++)
                rows.Add(new ScoredRow { GroupId = (uint)q + 1, Label = labels[i], Score = scores[q][i] });
        }

        var view = ml.Transforms.Conversion.MapValueToKey("GroupId").Fit(ml.Data.LoadFromEnumerable(rows))
            .Transform(ml.Data.LoadFromEnumerable(rows));
        var metrics = ml.Ranking.Evaluate(view, new RankingEvaluatorOptions { DcgTruncationLevel = 10 });
        var ndcg = metrics.NormalizedDiscountedCumulativeGains;
        int n = lists.Count;
        return new TaskMetrics(method, task, n, reciprocalRanks.Average(), hit1 / n, hit3 / n, ndcg[0], ndcg[2], ndcg[4], ndcg[9], reciprocalRanks);
    }

    /// <summary>Scores from a ranker's results: N - rank, the first ranked highest.</summary>
    public static float[][] ScoresOf(IReadOnlyList<RankingResult> results) => results.Select(r => r.Scores()).ToArray();
}
