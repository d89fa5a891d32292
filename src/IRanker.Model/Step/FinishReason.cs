namespace IRanker.Model.Step;

/// <summary>Why a generated sequence ended.</summary>
/// <example>
/// <code>
/// if (sequence.FinishReason == FinishReason.Length) Console.WriteLine("answer was cut off");
/// </code>
/// </example>
internal enum FinishReason
{
    /// <summary>A stop token was generated (it is the last token of the sequence).</summary>
    Stop,
    /// <summary><see cref="GenerationOptions.MaxNewTokens"/> tokens were generated without a stop token.</summary>
    Length,
}
