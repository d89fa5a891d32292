namespace IRanker.Model.Prompts;

/// <summary>
/// How the prompts of one list's elimination steps relate to each other (docs/ranking.md, "Prompt layouts"). Not to be
/// confused with <see cref="PromptStyle"/>, the wording of one step's prompt.
/// </summary>
/// <example><code>var options = new IRankerOptions { PromptLayout = PromptLayout.AppendOnly };</code></example>
public enum PromptLayout
{
    /// <summary>
    /// The paper's: each step's prompt lists the remaining candidates afresh, without the eliminated ones. A step's prompt
    /// shares with the previous one only the part before the candidate just eliminated.
    /// </summary>
    Rebuilt,

    /// <summary>
    /// Each step's prompt is the first step's prompt (every candidate of the list) followed by the elimination dialogue
    /// so far: each earlier answer (<c>ID&lt;/answer&gt;</c>) and a short turn that asks for the next one. Every step's
    /// tokens extend the previous step's, so its key/value cache is kept and only the new turn runs. Choice and Answer
    /// modes only. A model learns it in training; it is saved with the model.
    /// </summary>
    AppendOnly,
}
