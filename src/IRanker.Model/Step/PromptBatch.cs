using IRanker.Model.Modeling;

using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>A batch of prompts of different lengths, LEFT-padded into one tensor, with its attention mask.</summary>
/// <param name="InputIds">[batch, maxLength] token ids, padding on the left.</param>
/// <param name="AttentionMask">[batch, maxLength], 1 = real token, 0 = padding.</param>
/// <example>
/// <code>
/// using var batch = PromptBatch.LeftPad([[1, 2, 3], [4, 5]], padTokenId: 0, torch.CPU);
/// // InputIds = [[1, 2, 3], [0, 4, 5]], AttentionMask = [[1, 1, 1], [0, 1, 1]]
/// </code>
/// </example>
internal sealed record PromptBatch(Tensor InputIds, Tensor AttentionMask) : IDisposable
{
    /// <summary>Left-pads <paramref name="prompts"/> (each non-empty) with <paramref name="padTokenId"/> on <paramref name="device"/>.</summary>
    /// <exception cref="ArgumentException">No prompts, or an empty prompt.</exception>
    public static PromptBatch LeftPad(IReadOnlyList<IReadOnlyList<int>> prompts, int padTokenId, Device device)
    {
        if (prompts.Count == 0) throw new ArgumentException("At least one prompt is needed.", nameof(prompts));
        int width = prompts.Max(p => p.Count);
        var ids = new long[prompts.Count * width];
        var mask = new long[prompts.Count * width];
        for (int b = 0; b < prompts.Count; b++)
        {
            var prompt = prompts[b];
            if (prompt.Count == 0) throw new ArgumentException($"Prompt {b} is empty; every prompt needs at least one token.", nameof(prompts));
            int offset = width - prompt.Count;
            for (int i = 0; i < width; i++)
            {
                ids[b * width + i] = i < offset ? padTokenId : prompt[i - offset];
                mask[b * width + i] = i < offset ? 0 : 1;
            }
        }
        return new PromptBatch(
            tensor(ids, [prompts.Count, width], device: device),
            tensor(mask, [prompts.Count, width], device: device));
    }

    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
    }
}
