using IRanker.Model.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>One pre-norm decoder layer: <c>x + attn(norm(x))</c>, then <c>x + mlp(norm(x))</c>.</summary>
/// <example>
/// <code>
/// var layer = new Qwen2DecoderLayer("0", config, layerIndex: 0);
/// var y = layer.Forward(x, cos, sin, mask, cache); // [batch, seq, hidden]
/// </code>
/// </example>
internal sealed class Qwen2DecoderLayer : nn.Module
{
    // Field names equal Hugging Face state-dict keys.
    private readonly Qwen2Attention self_attn;
    private readonly Qwen2Mlp mlp;
    private readonly RmsNorm input_layernorm;
    private readonly RmsNorm post_attention_layernorm;

    /// <summary>Creates layer <paramref name="layerIndex"/>.</summary>
    public Qwen2DecoderLayer(string name, Qwen2Config config, int layerIndex) : this(name, config, layerIndex, ParameterInit.Random)
    {
    }

    internal Qwen2DecoderLayer(string name, Qwen2Config config, int layerIndex, ParameterInit init) : base(name)
    {
        self_attn = new Qwen2Attention("self_attn", config, layerIndex, init);
        mlp = new Qwen2Mlp("mlp", config, init);
        input_layernorm = new RmsNorm("input_layernorm", config.HiddenSize, config.RmsNormEps, init);
        post_attention_layernorm = new RmsNorm("post_attention_layernorm", config.HiddenSize, config.RmsNormEps, init);
        RegisterComponents();
    }

    /// <summary>The attention block.</summary>
    public Qwen2Attention SelfAttention => self_attn;

    /// <summary>The feed-forward block.</summary>
    public Qwen2Mlp Mlp => mlp;

    /// <summary>Runs the layer on <paramref name="x"/> [batch, seq, hidden]; see <see cref="Qwen2Attention.Forward"/> for the other arguments.</summary>
    public Tensor Forward(Tensor x, Tensor cos, Tensor sin, Tensor? mask, KVCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = x.Plus(self_attn.Forward(input_layernorm.forward(x), cos, sin, mask, cache)); // [batch, seq, hidden]
        var y = h.Plus(mlp.forward(post_attention_layernorm.forward(h)));
        return y.MoveToOuterDisposeScope();
    }
}
