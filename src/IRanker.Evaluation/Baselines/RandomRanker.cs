using IRanker.Model;

namespace IRanker.Evaluation.Baselines;

/// <summary>
/// Ranks every list in a uniformly random order: the floor any ranker must beat.
/// With one positive among N candidates its expected MRR is H(N)/N (0.457 for N = 5, 0.180 for N = 20).
/// </summary>
/// <remarks>
/// The order of a list depends only on the seed and the list's position in the call, so the same seed and the
/// same queries give the same rankings. The results carry no elimination steps.
/// </remarks>
/// <example>
/// <code>
/// var results = new RandomRanker(seed: 7).Rank(queries);
/// int best = results[0].Order[0];
/// </code>
/// </example>
public sealed class RandomRanker : IListRanker
{
    private readonly int _seed;

    /// <summary>Creates a random ranker.</summary>
    /// <param name="seed">Seed of the random order.</param>
    public RandomRanker(int seed = 0) => _seed = seed;

    /// <inheritdoc />
    public IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var random = new Random(_seed);
        var results = new RankingResult[queries.Count];
        for (int q = 0; q < queries.Count; q++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var order = Enumerable.Range(0, queries[q].Candidates.Count).ToArray();
            random.Shuffle(order);
            results[q] = new RankingResult(queries[q], order, []);
        }
        return results;
    }
}
