using IRanker.Model;
using IRanker.Model.Elimination;

namespace IRanker.Server.Hosting;

/// <summary>
/// An <see cref="IRankerModel"/> ranking by iterative elimination, one <see cref="IterativeRanker"/> per
/// <see cref="RankSettings"/> (created on first use; all share the model's weights).
/// </summary>
internal sealed class ModelBackend(IRankerModel model, RankerOptions options, IDisposable owner, string description) : IRankingBackend
{
    private readonly Dictionary<RankSettings, IterativeRanker> _rankers = [];

    public DecodingMode DefaultMode => options.Mode;

    public EliminationSchedule DefaultSchedule => options.Schedule;

    public int TokenBudget => options.TokenBudget;

    public int MaxPromptTokens => model.Model.Config.MaxPositionEmbeddings;

    public string Description => description;

    public BackendRun Rank(IReadOnlyList<RankingQuery> queries, RankSettings settings, CancellationToken cancellationToken)
    {
        if (!_rankers.TryGetValue(settings, out var ranker))
        {
            var forSettings = options.Clone();
            forSettings.Mode = settings.Mode;
            forSettings.Schedule = settings.Schedule;
            forSettings.TokenBudget = settings.TokenBudget;
            _rankers[settings] = ranker = new IterativeRanker(model, forSettings);
        }
        var results = ranker.Rank(queries, cancellationToken);
        return new BackendRun(results, ranker.LastCounters);
    }

    public void Dispose() => owner.Dispose();
}
