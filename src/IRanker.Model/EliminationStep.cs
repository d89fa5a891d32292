namespace IRanker.Model;

/// <summary>One elimination step.</summary>
/// <param name="Step">0-based step number.</param>
/// <param name="Eliminated">Index (into the query's candidates) of the candidate eliminated at this step.</param>
/// <param name="ModelOutput">What the model generated (empty in Choice mode).</param>
/// <param name="Match">How the output was matched to a candidate.</param>
/// <param name="Confidence">Probability of the eliminated candidate among the remaining ones (Choice mode), else null.</param>
/// <param name="LogProbs">
/// Choice mode: the log-probability of eliminating each candidate that was in the pool at this step, in input order
/// (the candidates not eliminated before this step); the same numbers the trainer's policy is built from. A schedule
/// that eliminates several candidates from one distribution records it on the first of them only. Else null.
/// </param>
/// <param name="Pool">
/// The candidates <paramref name="LogProbs"/> is over, in its order, where that is not "every candidate not eliminated
/// before this step": a step inside a window of a long list (docs/ranking.md, "Long lists"). Null otherwise.
/// </param>
public sealed record EliminationStep(int Step, int Eliminated, string ModelOutput, AnswerMatch Match, float? Confidence = null,
    IReadOnlyList<float>? LogProbs = null, IReadOnlyList<int>? Pool = null);
