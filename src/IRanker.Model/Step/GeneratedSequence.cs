namespace IRanker.Model.Step;

/// <summary>The new tokens generated for one prompt.</summary>
/// <param name="TokenIds">Generated token ids (a stop token, when one was generated, is the last).</param>
/// <param name="LogProbs">Per generated token, its log-probability under <c>log_softmax(logits / temperature)</c> (temperature 1 for greedy
/// decoding), before top-k/top-p filtering: the quantity a policy-gradient objective recomputes from a forward pass.</param>
/// <param name="FinishReason">Whether a stop token or the length limit ended the sequence.</param>
/// <example>
/// <code>
/// var sequence = generator.Generate(prompts, options)[0];
/// float total = sequence.LogProbs.Sum();
/// </code>
/// </example>
internal sealed record GeneratedSequence(int[] TokenIds, float[] LogProbs, FinishReason FinishReason);
