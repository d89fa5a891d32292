using IRanker.Model.Elimination;

namespace IRanker.Model;

/// <summary>How the model names the candidate to eliminate at each step.</summary>
/// <example>
/// <code>
/// var ranker = new IterativeRanker(model, new RankerOptions { Mode = DecodingMode.Reasoning });
/// </code>
/// </example>
public enum DecodingMode
{
    /// <summary>
    /// The paper's format: the model writes <c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;ID&lt;/answer&gt;</c> after the assistant
    /// prefix (bounded by <see cref="RankerOptions.MaxReasoningTokens"/>); the answer is matched to a remaining ID.
    /// </summary>
    Reasoning,

    /// <summary>
    /// The prompt already opens <c>&lt;answer&gt;</c>; the model writes only the ID (bounded by
    /// <see cref="RankerOptions.MaxAnswerTokens"/>), which is matched to a remaining ID.
    /// </summary>
    Answer,

    /// <summary>
    /// No free text: one forward pass per step scores every remaining ID (followed by <c>&lt;/answer&gt;</c>) as the
    /// continuation of <c>&lt;answer&gt;</c>, and the most likely one is eliminated. Never fails to parse.
    /// </summary>
    Choice,
}
