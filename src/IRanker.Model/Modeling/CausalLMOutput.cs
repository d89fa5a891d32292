using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>What <see cref="Qwen2ForCausalLM.Forward"/> returns; dispose it to free both tensors.</summary>
/// <param name="Logits">[batch, seq, vocab] for all positions, or [batch, k, vocab] at the requested logit positions.</param>
/// <param name="LastHiddenState">Output of the final norm at every input position, [batch, seq, hidden] (input of a value head).</param>
/// <example>
/// <code>
/// using var output = model.Forward(inputIds, attentionMask);
/// var next = output.Logits[.., -1].argmax(-1); // [batch]
/// </code>
/// </example>
public sealed record CausalLMOutput(Tensor Logits, Tensor LastHiddenState) : IDisposable
{
    /// <summary>Frees both tensors.</summary>
    public void Dispose()
    {
        Logits.Dispose();
        LastHiddenState.Dispose();
    }
}
