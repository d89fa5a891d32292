using IRanker.Model;
using IRanker.Model.Elimination;

namespace IRanker.Server.Hosting;

/// <summary>
/// An <see cref="IRankerModel"/> ranking by iterative elimination, one <see cref="IterativeRanker"/> per decoding mode
/// (created on first use; all share the model's weights).
/// </summary>
internal sealed class ModelBackend(IRankerModel model, RankerOptions options, IDisposable owner, string description) : IRankingBackend
{
    private readonly Dictionary<DecodingMode, IterativeRanker> _rankers = [];

    public DecodingMode DefaultMode => options.Mode;

    public string Description => description;

    public BackendRun Rank(IReadOnlyList<RankingQuery> queries, DecodingMode mode, CancellationToken cancellationToken)
    {
        if (!_rankers.TryGetValue(mode, out var ranker))
        {
            var forMode = options.Clone();
            forMode.Mode = mode;
            _rankers[mode] = ranker = new IterativeRanker(model, forMode);
        }
        var results = ranker.Rank(queries, cancellationToken);
        return new BackendRun(results, ranker.LastCounters);
    }

    public void Dispose() => owner.Dispose();
}
