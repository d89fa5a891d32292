namespace IRanker.Model.Ranking.Elimination;

/// <summary>
/// A Choice step decided without the model: the log-probability of eliminating each candidate of
/// <paramref name="pool"/>, in pool order (they must sum to 1 after exponentiation, as a step's distribution does).
/// </summary>
/// <param name="query">The query being ranked.</param>
/// <param name="pool">The candidates the step shows (indices into the query's candidates).</param>
/// <returns>One log-probability per candidate of <paramref name="pool"/>.</returns>
internal delegate float[] ChoiceJudge(RankingQuery query, IReadOnlyList<int> pool);
