namespace IRanker.Model.Step;

/// <summary>
/// A Choice step decided without the model: a score per candidate of <paramref name="pool"/>, in pool order, in the
/// place of the candidates' sequence log-probs; the step's distribution is their softmax, as for the model's.
/// </summary>
/// <param name="query">The query being ranked.</param>
/// <param name="pool">The candidates the step shows (indices into the query's candidates).</param>
/// <returns>One score per candidate of <paramref name="pool"/>: the higher, the likelier it is eliminated.</returns>
internal delegate float[] ChoiceJudge(RankingQuery query, IReadOnlyList<int> pool);
