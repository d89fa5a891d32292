using IRanker.Model.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// The Qwen2 decoder without its LM head: token embedding, the decoder layers and the final norm
/// (the <c>model.*</c> part of a Hugging Face checkpoint).
/// </summary>
/// <example>
/// <code>
/// var decoder = new Qwen2Model("model", Qwen2Config.Tiny(256));
/// var hidden = decoder.Forward(inputIds, attentionMask, positionIds: null, cache: null); // [batch, seq, 64]
/// </code>
/// </example>
public sealed class Qwen2Model : nn.Module
{
    private readonly Qwen2Config config;
    private readonly RotaryEmbedding rotary;

    // Field names equal Hugging Face state-dict keys.
    private readonly TokenEmbedding embed_tokens;
    private readonly ModuleList<Qwen2DecoderLayer> layers;
    private readonly RmsNorm norm;

    /// <summary>Creates a randomly initialised decoder of the given shape.</summary>
    public Qwen2Model(string name, Qwen2Config config) : this(name, config, ParameterInit.Random)
    {
    }

    internal Qwen2Model(string name, Qwen2Config config, ParameterInit init) : base(name)
    {
        config.Validate();
        this.config = config;
        rotary = new RotaryEmbedding(config.HeadDim, config.RopeTheta);
        embed_tokens = new TokenEmbedding("embed_tokens", config.VocabSize, config.HiddenSize, init);
        layers = new ModuleList<Qwen2DecoderLayer>();
        for (int i = 0; i < config.NumHiddenLayers; i++) layers.Add(new Qwen2DecoderLayer(i.ToString(), config, i, init));
        norm = new RmsNorm("norm", config.HiddenSize, config.RmsNormEps, init);
        RegisterComponents();
    }

    /// <summary>The token embedding weight [vocab, hidden]; also the LM head weight when embeddings are tied.</summary>
    public Parameter EmbeddingWeight => embed_tokens.Weight;

    /// <summary>The decoder layers.</summary>
    internal IReadOnlyList<Qwen2DecoderLayer> Layers => layers.ToList();

    /// <summary>Final hidden states [batch, seq, hidden] (after the final norm).</summary>
    /// <param name="inputIds">[batch, seq] token ids.</param>
    /// <param name="attentionMask">[batch, past + seq], 1 = real, 0 = left padding; null = no padding.</param>
    /// <param name="positionIds">[batch, seq]; null = from the mask (cumsum - 1, clamped at 0) or past..past+seq-1.</param>
    /// <param name="cache">Cache to read and extend, or null.</param>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask, Tensor? positionIds, KVCache? cache)
    {
        using var scope = NewDisposeScope();
        long batch = inputIds.shape[0], seq = inputIds.shape[1];
        long past = cache?.Length ?? 0;
        var device = embed_tokens.Weight.device;
        if (attentionMask is not null && attentionMask.shape[1] != past + seq)
            throw new ArgumentException(
                $"attentionMask has {attentionMask.shape[1]} columns; it must cover the cached past and the new tokens ({past} + {seq}).",
                nameof(attentionMask));

        var ids = inputIds.to(device);
        var mask = attentionMask?.to(device);
        var positions = positionIds?.to(device)
            ?? (mask is not null
                ? AttentionMask.PositionIds(mask, seq)
                : NativeScalars.Range(past, past + seq, device).unsqueeze(0).expand(batch, seq));  // [batch, seq]

        var h = embed_tokens.forward(ids);                                                     // [batch, seq, hidden]
        var (cos, sin) = rotary.CosSin(positions, h.dtype);                                   // [batch, seq, head_dim]
        var attention = AttentionMask.Build(mask, batch, seq, past, device);                   // [batch, 1, seq, past + seq] or null
        foreach (var layer in layers) h = layer.Forward(h, cos, sin, attention, cache);
        return norm.forward(h).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Final hidden states [batch, seq, hidden] under an explicit attention mask, for layouts that a padding mask cannot
    /// express (several candidate branches after one prompt, see <see cref="BranchLayout"/>).
    /// </summary>
    /// <param name="inputIds">[batch, seq] token ids.</param>
    /// <param name="positionIds">[batch, seq] rotary positions.</param>
    /// <param name="mask">[batch, 1, seq, past + seq], true = may attend.</param>
    /// <param name="cache">Cache to read and extend, or null.</param>
    internal Tensor ForwardWithMask(Tensor inputIds, Tensor positionIds, Tensor mask, KVCache? cache)
    {
        using var scope = NewDisposeScope();
        var h = embed_tokens.forward(inputIds);                                                // [batch, seq, hidden]
        var (cos, sin) = rotary.CosSin(positionIds, h.dtype);                                 // [batch, seq, head_dim]
        foreach (var layer in layers) h = layer.Forward(h, cos, sin, mask, cache);
        return norm.forward(h).MoveToOuterDisposeScope();
    }
}
