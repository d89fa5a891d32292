using IRanker.Model.Modeling;
using static TorchSharp.torch;

namespace IRanker.Model.Training;

/// <summary>The policy's view of (prompt, continuation) pairs: per-token log-probabilities and what else the losses need.</summary>
/// <param name="LogProbs">[R, T] log-probabilities of each continuation token under <c>log_softmax(logits / temperature)</c>.</param>
/// <param name="Mask">[R, T] 1 on continuation tokens, 0 on padding.</param>
/// <param name="Entropy">[R, T] entropy of the next-token distribution at each continuation position.</param>
/// <param name="Hidden">[R, T, H] last hidden state at the positions that predict each continuation token.</param>
/// <param name="PromptLanguageModelLoss">Mean next-token loss over the prompt tokens, where asked for; else null.</param>
internal sealed record ScoredSequences(Tensor LogProbs, Tensor Mask, Tensor Entropy, Tensor Hidden, Tensor? PromptLanguageModelLoss);

/// <summary>Runs the model on right-padded prompt + continuation rows.</summary>
internal static class SequenceScorer
{
    public static ScoredSequences Score(Qwen2ForCausalLM model, IReadOnlyList<(int[] Prompt, int[] Continuation)> rows,
        double temperature, int padId, bool promptLanguageModelLoss)
    {
        int r = rows.Count;
        int length = rows.Max(x => x.Prompt.Length + x.Continuation.Length);
        int steps = Math.Max(1, rows.Max(x => x.Continuation.Length));
        var ids = new long[r * length];
        var attention = new long[r * length];
        var positions = new long[r * steps];
        var mask = new float[r * steps];
        var targets = new long[r * steps];
        for (int i = 0; i < r; i++)
        {
            var (prompt, cont) = rows[i];
            for (int t = 0; t < length; t++)
            {
                int k = i * length + t;
                ids[k] = t < prompt.Length ? prompt[t] : t < prompt.Length + cont.Length ? cont[t - prompt.Length] : padId;
                attention[k] = t < prompt.Length + cont.Length ? 1 : 0;
            }
            for (int j = 0; j < cont.Length; j++)
            {
                positions[i * steps + j] = prompt.Length - 1 + j;   // the position whose logits predict continuation token j
                mask[i * steps + j] = 1;
                targets[i * steps + j] = cont[j];
            }
        }
        var device = model.Device;
        var inputIds = tensor(ids, device: device).reshape(r, length);              // [R, L]
        var attentionMask = tensor(attention, device: device).reshape(r, length);   // [R, L]
        var at = tensor(positions, device: device).reshape(r, steps);               // [R, T]
        var m = tensor(mask, device: device).reshape(r, steps);                     // [R, T]
        var target = tensor(targets, device: device).reshape(r, steps);             // [R, T]

        var output = model.Forward(inputIds, attentionMask, logitPositions: promptLanguageModelLoss ? null : at);
        Tensor logits, hidden;
        Tensor? lmLoss = null;
        if (promptLanguageModelLoss)
        {
            var full = output.Logits;                                                            // [R, L, V]
            lmLoss = PromptLoss(full, inputIds, rows);
            logits = full.gather(1, at.unsqueeze(-1).expand(-1, -1, full.shape[2]));             // [R, T, V]
        }
        else
        {
            logits = output.Logits;                                                              // [R, T, V]
        }
        logits = logits.to(ScalarType.Float32);   // log-probabilities, ratios and entropies in float32 whatever the compute dtype
        hidden = output.LastHiddenState.gather(1, at.unsqueeze(-1).expand(-1, -1, output.LastHiddenState.shape[2])); // [R, T, H]
        var scaled = (logits / temperature).log_softmax(-1);                                     // [R, T, V]
        var logProbs = scaled.gather(2, target.unsqueeze(-1)).squeeze(-1) * m;                   // [R, T]
        var entropy = -(scaled.exp() * scaled).sum(-1) * m;                                      // [R, T]
        return new ScoredSequences(logProbs, m, entropy, hidden, lmLoss);
    }

    /// <summary>Mean cross-entropy of predicting each prompt token from the ones before it.</summary>
    private static Tensor PromptLoss(Tensor logits, Tensor inputIds, IReadOnlyList<(int[] Prompt, int[] Continuation)> rows)
    {
        long length = inputIds.shape[1];
        var weights = new float[rows.Count * (length - 1)];
        for (int i = 0; i < rows.Count; i++)
            for (int t = 0; t < rows[i].Prompt.Length - 1; t++) weights[i * (length - 1) + t] = 1;
        var w = tensor(weights, device: logits.device).reshape(rows.Count, length - 1);        // [R, L-1]
        var logp = logits[.., ..^1].to(ScalarType.Float32).log_softmax(-1);                    // [R, L-1, V]
        var next = inputIds[.., 1..].unsqueeze(-1);                                            // [R, L-1, 1]
        var nll = -logp.gather(2, next).squeeze(-1);                                           // [R, L-1]
        return (nll * w).sum() / w.sum().clamp_min(1.0);
    }
}
