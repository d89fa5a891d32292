namespace IRanker.Model.Step;

/// <summary>What <see cref="DecodeLoop"/> wrote for one row.</summary>
/// <param name="TokenIds">The new token ids (with the stop token last when the loop was asked to keep it).</param>
/// <param name="LogProbs">Per token of <paramref name="TokenIds"/>, its log-probability under <c>log_softmax(logits / temperature)</c>
/// (temperature 1 for greedy decoding), before top-k/top-p filtering.</param>
/// <param name="End">Why the row ended.</param>
/// <param name="StopTokenId">The stop token that ended the row, if one did.</param>
internal sealed record DecodedRow(int[] TokenIds, float[] LogProbs, DecodeEnd End, int? StopTokenId);
