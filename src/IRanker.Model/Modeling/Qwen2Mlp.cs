using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>The SwiGLU feed-forward block of Qwen2: <c>down(silu(gate(x)) * up(x))</c>, no biases.</summary>
/// <example>
/// <code>
/// var mlp = new Qwen2Mlp("mlp", config);
/// var y = mlp.forward(x); // x, y: [batch, seq, hidden]
/// </code>
/// </example>
internal sealed class Qwen2Mlp : nn.Module<Tensor, Tensor>
{
    // Field names equal Hugging Face state-dict keys.
    private nn.Module<Tensor, Tensor> gate_proj;
    private nn.Module<Tensor, Tensor> up_proj;
    private nn.Module<Tensor, Tensor> down_proj;

    /// <summary>Creates the block for <paramref name="config"/>'s hidden and intermediate sizes.</summary>
    public Qwen2Mlp(string name, Qwen2Config config) : this(name, config, ParameterInit.Random)
    {
    }

    internal Qwen2Mlp(string name, Qwen2Config config, ParameterInit init) : base(name)
    {
        gate_proj = init.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        up_proj = init.Linear(config.HiddenSize, config.IntermediateSize, hasBias: false);
        down_proj = init.Linear(config.IntermediateSize, config.HiddenSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>The three projections by their Hugging Face names.</summary>
    internal IEnumerable<(string Name, nn.Module<Tensor, Tensor> Module)> Projections() =>
        [("gate_proj", gate_proj), ("up_proj", up_proj), ("down_proj", down_proj)];

    /// <summary>Replaces a projection (for adapters); the name is one of <see cref="Projections"/>.</summary>
    internal void ReplaceProjection(string name, nn.Module<Tensor, Tensor> module)
    {
        switch (name)
        {
            case "gate_proj": gate_proj = module; break;
            case "up_proj": up_proj = module; break;
            case "down_proj": down_proj = module; break;
            default: throw new ArgumentException($"Unknown MLP projection '{name}'.", nameof(name));
        }
        // TorchSharp refuses to register a name twice; registering null first removes the old entry.
        register_module(name, null!);
        register_module(name, module);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var hidden = nn.functional.silu(gate_proj.forward(x)) * up_proj.forward(x);     // [batch, seq, intermediate]
        return down_proj.forward(hidden).MoveToOuterDisposeScope();                      // [batch, seq, hidden]
    }
}
