using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// Token embedding table [vocab, hidden] held in one <see cref="Parameter"/> field, so that a tied LM head can use the
/// very same parameter object.
/// </summary>
/// <example>
/// <code>
/// var embedding = new TokenEmbedding("embed_tokens", vocabSize: 256, hiddenSize: 64);
/// var h = embedding.forward(ids); // ids: [batch, seq] → h: [batch, seq, 64]
/// </code>
/// </example>
internal sealed class TokenEmbedding : nn.Module<Tensor, Tensor>
{
    // Named as in Hugging Face state dicts: "<prefix>.weight".
    private readonly Parameter weight;

    /// <summary>Creates a table initialised from N(0, 0.02^2), as Hugging Face initialises Qwen2.</summary>
    public TokenEmbedding(string name, long vocabSize, long hiddenSize) : this(name, vocabSize, hiddenSize, ParameterInit.Random)
    {
    }

    internal TokenEmbedding(string name, long vocabSize, long hiddenSize, ParameterInit init) : base(name)
    {
        weight = init.Normal(vocabSize, hiddenSize, std: 0.02);
        RegisterComponents();
    }

    /// <summary>The table, [vocab, hidden].</summary>
    public Parameter Weight => weight;

    /// <inheritdoc/>
    public override Tensor forward(Tensor ids)
    {
        using var scope = NewDisposeScope();
        var rows = weight.index_select(0, ids.reshape(-1));                   // [batch * seq, hidden]
        var shape = ids.shape.Append(weight.shape[1]).ToArray();
        return rows.view(shape).MoveToOuterDisposeScope();                    // [batch, seq, hidden]
    }
}
