namespace IRanker.Model.Generation;

/// <summary>Log-probabilities of a prompt's candidate continuations, in candidate order.</summary>
/// <param name="Sum">Per candidate, the sum of its tokens' log-probs: the log-probability of the whole sequence.</param>
/// <param name="Mean">Per candidate, the length-normalised mean of its tokens' log-probs.</param>
/// <example>
/// <code>
/// var scores = scorer.Score(prompts, candidates)[0];
/// int best = Array.IndexOf(scores.Sum, scores.Sum.Max());
/// double[] p = scores.Probabilities();
/// </code>
/// </example>
public sealed record ChoiceScores(float[] Sum, float[] Mean)
{
    /// <summary>The candidates' probabilities renormalised among themselves (softmax of <see cref="Sum"/>).</summary>
    public double[] Probabilities()
    {
        if (Sum.Length == 0) return [];
        double max = Sum.Max();
        var exp = Sum.Select(s => Math.Exp(s - max)).ToArray();
        double total = exp.Sum();
        return exp.Select(e => e / total).ToArray();
    }
}
