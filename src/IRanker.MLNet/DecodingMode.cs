namespace IRanker.MLNet;

/// <summary>How the model produces each elimination decision.</summary>
/// <example><code>var options = new IRankerOptions { DecodingMode = DecodingMode.Choice };</code></example>
public enum DecodingMode
{
    /// <summary>The paper's format: the model thinks in <c>&lt;think&gt;</c> tags, then names the candidate in <c>&lt;answer&gt;</c> tags. Slowest, most faithful.</summary>
    Reasoning,
    /// <summary>The model writes only <c>&lt;answer&gt;ID&lt;/answer&gt;</c>: a few tokens per step.</summary>
    Answer,
    /// <summary>No free text: the candidate IDs are scored directly and the least likely to be relevant is eliminated. One forward pass per step; never needs answer repair.</summary>
    Choice,
}
