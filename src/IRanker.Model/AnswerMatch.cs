namespace IRanker.Model;

/// <summary>How a model answer was matched to a remaining candidate.</summary>
public enum AnswerMatch
{
    /// <summary>The answer equals a remaining candidate's ID.</summary>
    Exact,
    /// <summary>Equal after case folding and whitespace collapsing.</summary>
    Normalized,
    /// <summary>Closest by longest-common-subsequence ratio, above the fuzzy threshold.</summary>
    Fuzzy,
    /// <summary>Nearest by TF-IDF cosine (also used for empty or unusable answers: always eliminates one).</summary>
    Nearest,
    /// <summary>Chosen by scoring the candidate IDs directly (Choice mode): no free text to parse.</summary>
    Choice,
    /// <summary>Only one candidate was left; no model call.</summary>
    LastRemaining,
}
