namespace IRanker.Model.Training;

/// <summary>The shape of a free-text answer that the format and tag rewards check.</summary>
/// <example><code>var options = new TrainingOptions { ResponseFormat = ResponseFormat.AnswerOnly };</code></example>
public enum ResponseFormat
{
    /// <summary><c>&lt;think&gt;…&lt;/think&gt;&lt;answer&gt;…&lt;/answer&gt;</c> and nothing else (the paper's format).</summary>
    Reasoning,

    /// <summary><c>&lt;answer&gt;…&lt;/answer&gt;</c> and nothing else.</summary>
    AnswerOnly,
}
