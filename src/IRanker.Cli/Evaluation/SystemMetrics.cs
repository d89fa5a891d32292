using IRanker.Model;

namespace IRanker.Cli.Evaluation;

/// <summary>
/// Sums of per-list metrics (NDCG@1/3/5/10, MRR, Hit@1/3/5) for one ranking system, overall and by task, added list by
/// list so that an evaluation never holds the lists (definitions: <see cref="ListMetrics"/>, ML.NET's gains).
/// </summary>
internal sealed class SystemMetrics(string system)
{
    /// <summary>The cut-offs of NDCG@k.</summary>
    public static readonly int[] NdcgCutoffs = [1, 3, 5, 10];

    /// <summary>The cut-offs of Hit@k.</summary>
    public static readonly int[] HitCutoffs = [1, 3, 5];

    /// <summary>The task name of lists without a task.</summary>
    public const string NoTask = "(none)";

    /// <summary>The name of the all-lists row.</summary>
    public const string Overall = "overall";

    private readonly Dictionary<string, Sums> _byTask = new(StringComparer.Ordinal);
    private readonly Sums _overall = new();

    /// <summary>The system's name (<c>iranker</c>, <c>random</c>, <c>bm25</c>, <c>lightgbm</c>).</summary>
    public string System { get; } = system;

    /// <summary>Adds one ranked list.</summary>
    /// <param name="task">The list's task, or null.</param>
    /// <param name="order">Candidate indices, best first.</param>
    /// <param name="labels">Every candidate's label.</param>
    public void Add(string? task, IReadOnlyList<int> order, IReadOnlyList<float> labels)
    {
        string key = task ?? NoTask;
        if (!_byTask.TryGetValue(key, out var sums)) _byTask[key] = sums = new Sums();
        sums.Add(order, labels);
        _overall.Add(order, labels);
    }

    /// <summary>One row per task (ordinal order; none when no list has a task), then the overall row.</summary>
    public IEnumerable<MetricsRow> Rows()
    {
        // Lists without any task: the overall row says it all.
        if (!(_byTask.Count == 1 && _byTask.ContainsKey(NoTask)))
            foreach (var (task, sums) in _byTask.OrderBy(t => t.Key, StringComparer.Ordinal)) yield return sums.Row(System, task);
        yield return _overall.Row(System, Overall);
    }

    private sealed class Sums
    {
        private readonly double[] _ndcg = new double[NdcgCutoffs.Length];
        private readonly double[] _hit = new double[HitCutoffs.Length];
        private double _mrr;
        private int _lists;

        public void Add(IReadOnlyList<int> order, IReadOnlyList<float> labels)
        {
            _lists++;
            _mrr += ListMetrics.ReciprocalRank(order, labels);
            for (int i = 0; i < NdcgCutoffs.Length; i++) _ndcg[i] += ListMetrics.Ndcg(order, labels, NdcgCutoffs[i]);
            for (int i = 0; i < HitCutoffs.Length; i++) _hit[i] += ListMetrics.Hit(order, labels, HitCutoffs[i]);
        }

        public MetricsRow Row(string system, string task) => new(system, task, _lists,
            _ndcg.Select(s => s / Math.Max(1, _lists)).ToArray(), _mrr / Math.Max(1, _lists), _hit.Select(s => s / Math.Max(1, _lists)).ToArray());
    }
}

/// <summary>The means of one system on one task (or overall).</summary>
/// <param name="System">The ranking system.</param>
/// <param name="Task">The task, or <see cref="SystemMetrics.Overall"/>.</param>
/// <param name="Lists">Lists evaluated.</param>
/// <param name="Ndcg">NDCG at <see cref="SystemMetrics.NdcgCutoffs"/>, in [0, 1].</param>
/// <param name="Mrr">Mean reciprocal rank of the first relevant candidate.</param>
/// <param name="Hit">Hit at <see cref="SystemMetrics.HitCutoffs"/>.</param>
internal sealed record MetricsRow(string System, string Task, int Lists, double[] Ndcg, double Mrr, double[] Hit);
