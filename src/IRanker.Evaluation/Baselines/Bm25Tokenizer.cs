namespace IRanker.Evaluation.Baselines;

/// <summary>BM25's notion of a term: a maximal run of letters or digits, lower-cased (no stemming, no stop words).</summary>
internal static class Bm25Tokenizer
{
    public static List<string> Tokenize(string text)
    {
        var terms = new List<string>();
        int start = -1;
        for (int i = 0; i <= text.Length; i++)
        {
            bool inTerm = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inTerm && start < 0) start = i;
            else if (!inTerm && start >= 0)
            {
                terms.Add(text[start..i].ToLowerInvariant());
                start = -1;
            }
        }
        return terms;
    }
}
