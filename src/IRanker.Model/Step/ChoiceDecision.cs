namespace IRanker.Model.Step;

/// <summary>Picks the candidate to eliminate from the candidates' sequence log-probs (Choice mode).</summary>
internal static class ChoiceDecision
{
    /// <summary>
    /// The index of the most likely candidate (the first one on ties), its probability under a softmax over the
    /// candidates' sequence log-probs, and every candidate's log-probability under that softmax.
    /// </summary>
    public static (int Index, float Confidence, float[] LogProbs) MostLikely(IReadOnlyList<float> sequenceLogProbs)
    {
        if (sequenceLogProbs.Count == 0) throw new ArgumentException("There is no candidate to choose from.", nameof(sequenceLogProbs));
        int best = 0;
        for (int i = 1; i < sequenceLogProbs.Count; i++) if (sequenceLogProbs[i] > sequenceLogProbs[best]) best = i;
        double max = sequenceLogProbs[best], sum = 0;
        foreach (var lp in sequenceLogProbs) sum += Math.Exp(lp - max);
        double logSum = max + Math.Log(sum);
        var logProbs = sequenceLogProbs.Select(lp => (float)(lp - logSum)).ToArray();
        return (best, (float)(1.0 / sum), logProbs);
    }
}
