using IRanker.Model.Modeling;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>The model's next-token logits after each of a batch of right-padded sequences.</summary>
/// <param name="Logits">[R, V] logits at each sequence's last token.</param>
/// <param name="Hidden">[R, H] last hidden state there.</param>
/// <param name="PromptLanguageModelLoss">Mean next-token loss over the first <c>promptLengths[r]</c> tokens of each row, where asked for.</param>
internal sealed record NextTokenLogits(Tensor Logits, Tensor Hidden, Tensor? PromptLanguageModelLoss);

/// <summary>Runs the model once per sequence and keeps only what predicts the token after it.</summary>
internal static class NextTokenScorer
{
    public static NextTokenLogits Score(Qwen2ForCausalLM model, IReadOnlyList<int[]> rows, IReadOnlyList<int> promptLengths, int padId, bool promptLanguageModelLoss)
    {
        int r = rows.Count;
        int length = rows.Max(x => x.Length);
        var ids = new long[r * length];
        var attention = new long[r * length];
        var last = new long[r];
        var weights = new float[r * Math.Max(1, length - 1)];
        for (int i = 0; i < r; i++)
        {
            for (int t = 0; t < length; t++)
            {
                ids[i * length + t] = t < rows[i].Length ? rows[i][t] : padId;
                attention[i * length + t] = t < rows[i].Length ? 1 : 0;
            }
            last[i] = rows[i].Length - 1;
            for (int t = 0; t < promptLengths[i] - 1; t++) weights[i * (length - 1) + t] = 1;
        }
        var device = model.Device;
        var inputIds = tensor(ids, device: device).reshape(r, length);               // [R, L]
        var attentionMask = tensor(attention, device: device).reshape(r, length);    // [R, L]
        var at = tensor(last, device: device);                                       // [R]
        var output = model.Forward(inputIds, attentionMask, logitPositions: promptLanguageModelLoss ? null : at);
        var hiddenSize = output.LastHiddenState.shape[2];
        var hidden = output.LastHiddenState.gather(1, at.view(r, 1, 1).expand(-1, -1, hiddenSize)).squeeze(1);   // [R, H]
        // Logits leave in float32 whatever the compute dtype: log-probabilities, ratios and entropies are formed from them.
        if (!promptLanguageModelLoss) return new NextTokenLogits(output.Logits.squeeze(1).to(ScalarType.Float32), hidden, null);   // [R, V]

        var full = output.Logits.to(ScalarType.Float32);                                                          // [R, L, V]
        var logits = full.gather(1, at.view(r, 1, 1).expand(-1, -1, full.shape[2])).squeeze(1);                  // [R, V]
        var w = tensor(weights, device: device).reshape(r, Math.Max(1, length - 1));                             // [R, L-1]
        if (length < 2) return new NextTokenLogits(logits, hidden, zeros(1, device: device).sum());
        var logp = full[.., ..^1].log_softmax(-1);                                                                // [R, L-1, V]
        var nll = -logp.gather(2, inputIds[.., 1..].unsqueeze(-1)).squeeze(-1);                                  // [R, L-1]
        return new NextTokenLogits(logits, hidden, (nll * w).sum() / w.sum().clamp_min(1.0));
    }
}
