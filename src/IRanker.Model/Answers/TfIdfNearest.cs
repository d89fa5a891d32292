namespace IRanker.Model.Answers;

/// <summary>
/// The ID nearest to an answer by cosine similarity of TF-IDF vectors over character trigrams (texts padded with one
/// space on each side). IDF is computed over the IDs, smoothed: ln((1 + n) / (1 + df)) + 1, so trigrams shared by all IDs
/// (<c>pas</c> in <c>passage 3</c>) still count a little.
/// </summary>
internal static class TfIdfNearest
{
    /// <summary>The index of the nearest ID; ties (including an empty answer, which is equally far from all) go to the last.</summary>
    public static int Best(string answer, IReadOnlyList<string> ids)
    {
        var idGrams = ids.Select(Trigrams).ToArray();
        var documentFrequency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var grams in idGrams)
            foreach (string gram in grams.Keys) documentFrequency[gram] = documentFrequency.GetValueOrDefault(gram) + 1;

        double Idf(string gram) => Math.Log((1.0 + ids.Count) / (1.0 + documentFrequency.GetValueOrDefault(gram))) + 1.0;
        Dictionary<string, double> Vector(Dictionary<string, int> grams) => grams.ToDictionary(g => g.Key, g => g.Value * Idf(g.Key), StringComparer.Ordinal);

        var query = Vector(Trigrams(answer));
        int best = ids.Count - 1;
        double bestScore = double.NegativeInfinity;
        for (int i = 0; i < ids.Count; i++)
        {
            double score = Cosine(query, Vector(idGrams[i]));
            if (score >= bestScore) { bestScore = score; best = i; }
        }
        return best;
    }

    private static Dictionary<string, int> Trigrams(string text)
    {
        var grams = new Dictionary<string, int>(StringComparer.Ordinal);
        if (text.Length == 0) return grams;
        string padded = $" {text} ";
        for (int i = 0; i + 3 <= padded.Length; i++)
        {
            string gram = padded.Substring(i, 3);
            grams[gram] = grams.GetValueOrDefault(gram) + 1;
        }
        return grams;
    }

    private static double Cosine(Dictionary<string, double> a, Dictionary<string, double> b)
    {
        if (a.Count == 0 || b.Count == 0) return 0;
        double dot = a.Sum(kv => b.TryGetValue(kv.Key, out double v) ? kv.Value * v : 0);
        double norm = Math.Sqrt(a.Values.Sum(v => v * v)) * Math.Sqrt(b.Values.Sum(v => v * v));
        return dot / norm;
    }
}
