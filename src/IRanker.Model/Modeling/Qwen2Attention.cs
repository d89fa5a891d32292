using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// Grouped-query self-attention of Qwen2: biased q/k/v projections, unbiased output projection, rotary
/// positions, and key/value heads shared by groups of query heads.
/// </summary>
/// <example>
/// <code>
/// var attention = new Qwen2Attention("self_attn", config, layerIndex: 0);
/// var y = attention.Forward(x, cos, sin, mask, cache); // x, y: [batch, seq, hidden]
/// </code>
/// </example>
internal sealed class Qwen2Attention : nn.Module
{
    private readonly int layerIndex;
    private readonly int heads;
    private readonly int kvHeads;
    private readonly int headDim;

    // Field names equal Hugging Face state-dict keys.
    private nn.Module<Tensor, Tensor> q_proj;
    private nn.Module<Tensor, Tensor> k_proj;
    private nn.Module<Tensor, Tensor> v_proj;
    private nn.Module<Tensor, Tensor> o_proj;

    /// <summary>Creates the attention of layer <paramref name="layerIndex"/>.</summary>
    public Qwen2Attention(string name, Qwen2Config config, int layerIndex) : this(name, config, layerIndex, ParameterInit.Random)
    {
    }

    internal Qwen2Attention(string name, Qwen2Config config, int layerIndex, ParameterInit init) : base(name)
    {
        this.layerIndex = layerIndex;
        heads = config.NumAttentionHeads;
        kvHeads = config.NumKeyValueHeads;
        headDim = config.HeadDim;
        q_proj = init.Linear(config.HiddenSize, heads * headDim, hasBias: true);
        k_proj = init.Linear(config.HiddenSize, kvHeads * headDim, hasBias: true);
        v_proj = init.Linear(config.HiddenSize, kvHeads * headDim, hasBias: true);
        o_proj = init.Linear(heads * headDim, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>The four projections by their Hugging Face names (q_proj, k_proj, v_proj, o_proj).</summary>
    internal IEnumerable<(string Name, nn.Module<Tensor, Tensor> Module)> Projections() =>
        [("q_proj", q_proj), ("k_proj", k_proj), ("v_proj", v_proj), ("o_proj", o_proj)];

    /// <summary>Replaces a projection (for adapters); the name is one of <see cref="Projections"/>.</summary>
    internal void ReplaceProjection(string name, nn.Module<Tensor, Tensor> module)
    {
        switch (name)
        {
            case "q_proj": q_proj = module; break;
            case "k_proj": k_proj = module; break;
            case "v_proj": v_proj = module; break;
            case "o_proj": o_proj = module; break;
            default: throw new ArgumentException($"Unknown attention projection '{name}'.", nameof(name));
        }
        // TorchSharp refuses to register a name twice; registering null first removes the old entry.
        register_module(name, null!);
        register_module(name, module);
    }

    /// <summary>Attention over <paramref name="x"/> [batch, seq, hidden] (and the cached past); returns [batch, seq, hidden].</summary>
    /// <param name="x">Normed hidden states, [batch, seq, hidden].</param>
    /// <param name="cos">Rotary cosines, [batch, seq, head_dim].</param>
    /// <param name="sin">Rotary sines, [batch, seq, head_dim].</param>
    /// <param name="mask">Boolean mask [batch, 1, seq, past + seq] (true = attend), or null for plain causal attention.</param>
    /// <param name="cache">Key/value cache to read and extend, or null.</param>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KVCache? cache)
    {
        using var scope = NewDisposeScope();
        long batch = x.shape[0], seq = x.shape[1];
        var q = q_proj.forward(x).view(batch, seq, heads, headDim).transpose(1, 2);    // [batch, heads, seq, head_dim]
        var k = k_proj.forward(x).view(batch, seq, kvHeads, headDim).transpose(1, 2);  // [batch, kv_heads, seq, head_dim]
        var v = v_proj.forward(x).view(batch, seq, kvHeads, headDim).transpose(1, 2);  // [batch, kv_heads, seq, head_dim]
        q = RotaryEmbedding.Apply(q, cos, sin);
        k = RotaryEmbedding.Apply(k, cos, sin);
        if (cache is not null) (k, v) = cache.Append(layerIndex, k, v);               // [batch, kv_heads, past + seq, head_dim]

        int groups = heads / kvHeads;
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, dim: 1);                                     // [batch, heads, past + seq, head_dim]
            v = v.repeat_interleave(groups, dim: 1);
        }
        var attended = mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: seq > 1)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);       // [batch, heads, seq, head_dim]
        var merged = attended.transpose(1, 2).reshape(batch, seq, heads * headDim);       // [batch, seq, hidden]
        return o_proj.forward(merged).MoveToOuterDisposeScope();
    }
}
