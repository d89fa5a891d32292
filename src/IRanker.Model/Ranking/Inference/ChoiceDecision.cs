namespace IRanker.Model.Ranking.Inference;

/// <summary>Picks the candidate to eliminate from the candidates' sequence log-probs (Choice mode).</summary>
internal static class ChoiceDecision
{
    /// <summary>
    /// The index of the most likely candidate (the first one on ties) and its probability under a softmax over the
    /// candidates' sequence log-probs.
    /// </summary>
    public static (int Index, float Confidence) MostLikely(IReadOnlyList<float> logProbs)
    {
        if (logProbs.Count == 0) throw new ArgumentException("There is no candidate to choose from.", nameof(logProbs));
        int best = 0;
        for (int i = 1; i < logProbs.Count; i++) if (logProbs[i] > logProbs[best]) best = i;
        double max = logProbs[best], sum = 0;
        foreach (var lp in logProbs) sum += Math.Exp(lp - max);
        return (best, (float)(1.0 / sum));
    }
}
