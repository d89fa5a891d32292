using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>
/// The key/value cache of one list's last step prompt: its token ids and, per layer, keys and values
/// [1, kv_heads, length, head_dim]. The next step feeds only the tokens after the longest common prefix.
/// </summary>
/// <remarks>The tensors live outside any dispose scope; <see cref="Dispose"/> frees them.</remarks>
internal sealed class PrefixCache : IDisposable
{
    private readonly Tensor[] keys;
    private readonly Tensor[] values;

    /// <summary>Takes ownership of <paramref name="keys"/> and <paramref name="values"/> (one per layer, [1, kv_heads, tokens, head_dim]).</summary>
    public PrefixCache(int[] tokens, Tensor[] keys, Tensor[] values)
    {
        if (keys.Length != values.Length) throw new ArgumentException("One key and one value tensor per layer are needed.", nameof(values));
        Tokens = tokens;
        this.keys = keys;
        this.values = values;
        foreach (var t in keys.Concat(values)) t.DetachFromDisposeScope();
    }

    /// <summary>The prompt tokens whose keys and values are held.</summary>
    public int[] Tokens { get; }

    /// <summary>Number of cached positions.</summary>
    public int Length => Tokens.Length;

    /// <summary>Keys of <paramref name="layer"/>, [1, kv_heads, Length, head_dim].</summary>
    public Tensor Keys(int layer) => keys[layer];

    /// <summary>Values of <paramref name="layer"/>, [1, kv_heads, Length, head_dim].</summary>
    public Tensor Values(int layer) => values[layer];

    /// <summary>
    /// How many leading tokens of <paramref name="prompt"/> can be taken from this cache: the longest common prefix,
    /// but at most <c>prompt.Count - 1</c>, because the last prompt position must run to give the next-token logits.
    /// </summary>
    public int ReusableLength(IReadOnlyList<int> prompt)
    {
        int limit = Math.Min(Length, prompt.Count - 1);
        int n = 0;
        while (n < limit && Tokens[n] == prompt[n]) n++;
        return n;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in keys) t.Dispose();
        foreach (var t in values) t.Dispose();
    }
}
