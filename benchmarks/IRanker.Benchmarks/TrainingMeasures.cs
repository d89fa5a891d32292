using IRanker.Evaluation.Baselines;
using IRanker.Model;
using IRanker.Model.Training;

namespace IRanker.Benchmarks;

/// <summary>What the training benchmarks share: the BM25 reference and a progress sink that reports on the training thread.</summary>
internal static class TrainingMeasures
{
    /// <summary>MRR of the best-labelled candidate under BM25, as the trainer's evaluation measures it.</summary>
    public static double Bm25Mrr(IReadOnlyList<RankingQuery> queries) => new Bm25Ranker().Rank(queries).Average(r =>
    {
        float best = r.Query.Candidates.Max(c => c.Label!.Value);
        return 1.0 / (r.Order.ToList().FindIndex(i => r.Query.Candidates[i].Label!.Value == best) + 1);
    });

    /// <summary>Calls <paramref name="report"/> for every step's metrics, on the training thread, in order.</summary>
    public static IProgress<TrainingStepMetrics> OnEachStep(Action<TrainingStepMetrics> report) => OnEachStep<TrainingStepMetrics>(report);

    /// <summary>Calls <paramref name="report"/> for every report (a language-model stage's steps too), on the reporting thread, in order.</summary>
    public static IProgress<T> OnEachStep<T>(Action<T> report) => new Sink<T>(report);

    private sealed class Sink<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
