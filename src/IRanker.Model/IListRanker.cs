namespace IRanker.Model;

/// <summary>Anything that ranks lists: the iterative (elimination) ranker, the direct ranker, baselines.</summary>
public interface IListRanker
{
    /// <summary>Ranks every query; results are in the order of <paramref name="queries"/>.</summary>
    IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, CancellationToken cancellationToken = default);
}
