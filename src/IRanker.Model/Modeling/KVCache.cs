using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// Keys and values of every layer for the tokens already seen, so that decoding feeds only the new tokens.
/// </summary>
/// <remarks>
/// The cache owns its tensors (they live outside any dispose scope) and frees them on <see cref="Dispose"/>.
/// Each layer holds keys and values of shape [batch, kv_heads, past, head_dim]. The attention mask passed to
/// <see cref="Qwen2ForCausalLM.Forward"/> together with a cache covers past and new tokens: [batch, past + seq].
/// </remarks>
/// <example>
/// <code>
/// using var cache = new KVCache(model.Config.NumHiddenLayers);
/// using var first = model.Forward(promptIds, promptMask, cache: cache);        // fills the cache
/// using var next = model.Forward(nextIds, maskWithNewColumn, cache: cache);     // nextIds: [batch, 1]
/// </code>
/// </example>
public sealed class KVCache : IDisposable
{
    private readonly Tensor?[] keys;
    private readonly Tensor?[] values;

    /// <summary>Creates an empty cache for a model with <paramref name="layerCount"/> layers.</summary>
    public KVCache(int layerCount)
    {
        keys = new Tensor?[layerCount];
        values = new Tensor?[layerCount];
    }

    /// <summary>Number of layers.</summary>
    public int LayerCount => keys.Length;

    /// <summary>Number of cached positions (the past length); 0 when empty.</summary>
    public long Length => keys[0] is { } k ? k.shape[2] : 0;

    /// <summary>Cached batch size; 0 when empty.</summary>
    public long BatchSize => keys[0] is { } k ? k.shape[0] : 0;

    /// <summary>
    /// A new cache whose row <c>i</c> is row <c>rows[i]</c> of this one (rows may repeat), for example to
    /// continue one prompt with several candidate continuations.
    /// </summary>
    /// <param name="rows">Row indices, LongTensor [newBatch].</param>
    public KVCache SelectRows(Tensor rows)
    {
        var result = new KVCache(LayerCount);
        using var scope = NewDisposeScope();
        for (int i = 0; i < LayerCount; i++)
        {
            if (keys[i] is null) continue;
            var index = rows.to(keys[i]!.device);                          // may be rows itself: never disposed here
            result.keys[i] = keys[i]!.index_select(0, index).DetachFromDisposeScope();
            result.values[i] = values[i]!.index_select(0, index).DetachFromDisposeScope();
        }
        return result;
    }

    /// <summary>Frees every cached tensor; the cache is empty afterwards.</summary>
    public void Clear()
    {
        for (int i = 0; i < LayerCount; i++)
        {
            keys[i]?.Dispose();
            values[i]?.Dispose();
            keys[i] = null;
            values[i] = null;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => Clear();

    /// <summary>
    /// Appends new keys/values [batch, kv_heads, seq, head_dim] of a layer and returns the full ones
    /// [batch, kv_heads, past + seq, head_dim]; the returned tensors belong to the cache.
    /// </summary>
    internal (Tensor Keys, Tensor Values) Append(int layer, Tensor newKeys, Tensor newValues)
    {
        var k = keys[layer] is { } pk ? cat([pk, newKeys], 2) : newKeys.alias();
        var v = values[layer] is { } pv ? cat([pv, newValues], 2) : newValues.alias();
        keys[layer]?.Dispose();
        values[layer]?.Dispose();
        keys[layer] = k.DetachFromDisposeScope();
        values[layer] = v.DetachFromDisposeScope();
        return (keys[layer]!, values[layer]!);
    }
}
