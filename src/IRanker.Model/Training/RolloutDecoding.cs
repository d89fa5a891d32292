namespace IRanker.Model.Training;

/// <summary>How the policy answers an elimination step during rollouts (and what its action is).</summary>
/// <example><code>var options = new TrainingOptions { Decoding = RolloutDecoding.Choice };</code></example>
public enum RolloutDecoding
{
    /// <summary>
    /// The model generates text (<c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c> or the answer alone)
    /// token by token; the action is the token sequence, the reward parses the answer. The paper's setting.
    /// </summary>
    FreeText,

    /// <summary>
    /// The model chooses among the remaining candidate IDs: each ID's token sequence is scored after the prompt and
    /// the policy is the softmax of those sequence log-probabilities over the remaining candidates. No malformed
    /// answers are possible, so only the exclusion reward applies. The project's extension; fast on CPUs.
    /// </summary>
    Choice,
}
