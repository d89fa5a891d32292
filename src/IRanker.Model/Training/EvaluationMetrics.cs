namespace IRanker.Model.Training;

/// <summary>Greedy iterative elimination on held-out queries.</summary>
/// <param name="Queries">Queries evaluated.</param>
/// <param name="StepAccuracy">Fraction of elimination steps that removed a minimum-label candidate of the pool.</param>
/// <param name="Mrr">Mean reciprocal rank of the best-labelled candidate in the final ranking (<see cref="ListMetrics.ReciprocalRank"/>: a list whose labels are all 0 counts 0).</param>
/// <param name="UnparsedAnswers">Free text: steps whose answer named no remaining candidate (the first remaining one was then removed).</param>
/// <example><code>Console.WriteLine($"MRR {summary.FinalEvaluation?.Mrr:F3}");</code></example>
public sealed record EvaluationMetrics(int Queries, double StepAccuracy, double Mrr, int UnparsedAnswers);
