namespace IRanker.Model.Step;

/// <summary>Why <see cref="DecodeLoop"/> ended a row.</summary>
internal enum DecodeEnd
{
    /// <summary>The length limit was reached.</summary>
    Length,
    /// <summary>A stop token was picked.</summary>
    Stop,
    /// <summary>The caller's rule ended the row (an answer closed its tag).</summary>
    Rule,
}
