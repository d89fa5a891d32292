namespace IRanker.Model.Elimination;

/// <summary>
/// Your own judge of an elimination step, in the place of the model's forward pass: given a query and the candidates
/// still in its pool, a score per candidate; <see cref="IterativeRanker"/> eliminates as it does in
/// <see cref="DecodingMode.Choice"/> mode, by the softmax of the scores over the pool.
/// </summary>
/// <remarks>
/// <para>Everything else is the library's own: the prompts (from the model bundle the ranker is built with) decide
/// when a list is too long for one prompt and is ranked in windows, and the elimination schedule, the windows'
/// tournament, the <see cref="EliminationStep"/> records and the relevance are those of a model-ranked list. Use it to rank
/// with another scorer (a cross-encoder, a rule, a simulation with known noise) through the same loop, or to study
/// schedules and windows without running a model.</para>
/// <para>A judge decides <see cref="DecodingMode.Choice"/> steps over one candidate order
/// (<see cref="RankerOptions.OrderSamples"/> = 1): <see cref="IterativeRanker.WithJudge"/> throws otherwise. <see cref="IterativeRanker.LastCounters"/>
/// counts one forward batch per step batch and the prompt and choice tokens the model would have read, with no
/// reused or generated tokens. Calls come from the thread that calls <see cref="IterativeRanker.Rank"/>, one at a time.</para>
/// </remarks>
/// <example>
/// A judge that eliminates the candidate whose text shares the fewest words with the query:
/// <code>
/// sealed class WordOverlapJudge : IEliminationJudge
/// {
///     public float[] Score(RankingQuery query, IReadOnlyList&lt;int&gt; pool)
///     {
///         var words = query.Context.Split(' ').ToHashSet(StringComparer.OrdinalIgnoreCase);
///         return pool.Select(c => -(float)query.Candidates[c].Text.Split(' ').Count(words.Contains)).ToArray();
///     }
/// }
///
/// var ranker = IterativeRanker.WithJudge(model, new WordOverlapJudge());   // model: its prompts and positions decide the windows
/// RankingResult result = ranker.Rank([query])[0];
/// </code>
/// </example>
public interface IEliminationJudge
{
    /// <summary>Scores the candidates of one step: the higher, the likelier a candidate is eliminated.</summary>
    /// <param name="query">The query being ranked (the whole query, also when the step is one of a window).</param>
    /// <param name="pool">The candidates the step shows, as indices into <see cref="RankingQuery.Candidates"/> of <paramref name="query"/>.</param>
    /// <returns>One finite score per candidate of <paramref name="pool"/>, in pool order; the step's distribution is their softmax.</returns>
    float[] Score(RankingQuery query, IReadOnlyList<int> pool);
}
