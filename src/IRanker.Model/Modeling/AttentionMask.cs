using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>Builds the boolean attention mask (true = may attend) shared by every layer of one forward pass.</summary>
internal static class AttentionMask
{
    /// <summary>
    /// Causal mask combined with the padding mask, [batch, 1, seq, past + seq]; null when plain causal attention
    /// (no padding, no past) is enough.
    /// </summary>
    /// <param name="paddingMask">[batch, past + seq], 1 = real token, 0 = padding; null = no padding.</param>
    /// <param name="batch">Batch size.</param>
    /// <param name="seq">Number of new tokens.</param>
    /// <param name="past">Number of cached tokens.</param>
    /// <param name="device">Device of the mask.</param>
    /// <remarks>
    /// A padded query whose every key is masked would give NaN in softmax; each query may therefore always
    /// attend to itself. That only changes the outputs at padded positions: real queries never see padded keys.
    /// </remarks>
    internal static Tensor? Build(Tensor? paddingMask, long batch, long seq, long past, Device device)
    {
        bool padded = paddingMask is not null && !paddingMask.all().item<bool>();
        if (!padded && past == 0) return null;

        using var scope = NewDisposeScope();
        long total = past + seq;
        var queryPositions = NativeScalars.Range(past, total, device).unsqueeze(1);   // [seq, 1]
        var keyPositions = NativeScalars.Range(0, total, device).unsqueeze(0);        // [1, total]
        var causal = keyPositions.le(queryPositions);                            // [seq, total]
        var self = keyPositions.eq(queryPositions);                              // [seq, total]
        var mask = causal.unsqueeze(0).unsqueeze(0).expand(batch, 1, seq, total); // [batch, 1, seq, total]
        if (padded)
        {
            var keep = paddingMask!.to(device).to(ScalarType.Bool).view(batch, 1, 1, total);
            mask = mask.logical_and(keep).logical_or(self.unsqueeze(0).unsqueeze(0));
        }
        return mask.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Hugging Face position ids for left padding: cumsum(mask) - 1, clamped at 0, for the last <paramref name="seq"/> columns.</summary>
    /// <param name="paddingMask">[batch, past + seq].</param>
    /// <param name="seq">Number of new tokens.</param>
    internal static Tensor PositionIds(Tensor paddingMask, long seq)
    {
        using var scope = NewDisposeScope();
        var positions = paddingMask.to(ScalarType.Int64).cumsum(1).Minus(1L).clamp_min(NativeScalars.Zero); // [batch, past + seq]
        long total = positions.shape[1];
        return positions.narrow(1, total - seq, seq).contiguous().MoveToOuterDisposeScope();
    }
}
