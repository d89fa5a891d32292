using IRanker.Cli.Commands;
using IRanker.Cli.Data;
using IRanker.MLNet;
using IRanker.Model;
using IRanker.Evaluation.Baselines;

namespace IRanker.Cli.Evaluation;

/// <summary>Ranks labelled lists with the model and with the baselines asked for, and averages the metrics per task and overall.</summary>
internal static class Evaluator
{
    /// <summary>The baselines that need no training.</summary>
    public static readonly string[] UntrainedBaselines = ["random", "bm25"];

    /// <summary>The metrics rows: the model's, then each baseline's.</summary>
    /// <param name="transformer">The model.</param>
    /// <param name="lists">Labelled lists.</param>
    /// <param name="baselines">Names from <see cref="UntrainedBaselines"/>.</param>
    /// <param name="lightGbmTrain">Lists to train LightGBM on, or null for no LightGBM.</param>
    /// <param name="seed">Seed of the random baseline and of LightGBM.</param>
    /// <param name="cancellationToken">Stops between lists.</param>
    public static List<MetricsRow> Run(IRankerTransformer transformer, IReadOnlyList<InputList> lists, IReadOnlyCollection<string> baselines,
        IReadOnlyList<RankingQuery>? lightGbmTrain, int seed, CancellationToken cancellationToken)
    {
        var rows = new List<MetricsRow>();
        var model = new SystemMetrics("iranker");
        foreach (var (list, result) in ListRanking.Rank(transformer, lists, cancellationToken))
            model.Add(list.Query.Task, result.Order, Labels(list.Query));
        rows.AddRange(model.Rows());

        var queries = lists.Select(l => l.Query).ToArray();
        foreach (string name in baselines)
        {
            IListRanker ranker = name switch
            {
                "random" => new RandomRanker(seed),
                "bm25" => new Bm25Ranker(),
                _ => throw CliException.Usage($"--baselines: unknown baseline '{name}'; choose from {string.Join(", ", UntrainedBaselines)} (LightGBM: --train FILE)."),
            };
            var metrics = new SystemMetrics(name);
            foreach (var result in ranker.Rank(queries, cancellationToken)) metrics.Add(result.Query.Task, result.Order, Labels(result.Query));
            rows.AddRange(metrics.Rows());
        }

        if (lightGbmTrain is not null)
        {
            var lightGbm = new LightGbmBaseline(lightGbmTrain, seed);
            var metrics = new SystemMetrics("lightgbm");
            var orders = lightGbm.Rank(queries);
            for (int i = 0; i < queries.Length; i++) metrics.Add(queries[i].Task, orders[i], Labels(queries[i]));
            rows.AddRange(metrics.Rows());
        }
        return rows;
    }

    private static float[] Labels(RankingQuery query) => query.Candidates.Select(c => c.Label ?? 0).ToArray();
}
