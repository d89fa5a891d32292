using IRanker.Model.Runtime;
using IRanker.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>
/// Batched autoregressive decoding (greedy or sampling with temperature, top-k, top-p) over left-padded prompts,
/// with a KV cache: one forward pass over the prompts, then one single-token pass per new token (<see cref="DecodeLoop"/>).
/// </summary>
/// <remarks>Logits are computed only at the last position of each step. A sequence that has stopped is fed
/// <see cref="GenerationOptions.PadTokenId"/> until all have stopped; its output ends at its stop token.</remarks>
/// <example>
/// <code>
/// var generator = new TokenGenerator(model);
/// var outputs = generator.Generate([[1, 2, 3], [4, 5]], new GenerationOptions { MaxNewTokens = 12 });
/// int[] first = outputs[0].TokenIds;
/// </code>
/// </example>
internal sealed class TokenGenerator
{
    private readonly Qwen2ForCausalLM model;

    /// <summary>Creates a generator over <paramref name="model"/>.</summary>
    public TokenGenerator(Qwen2ForCausalLM model) => this.model = model;

    /// <summary>Generates for each prompt (token ids, different lengths allowed).</summary>
    public IReadOnlyList<GeneratedSequence> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, GenerationOptions options)
    {
        using var batch = PromptBatch.LeftPad(prompts, options.PadTokenId, model.Device);
        return Generate(batch.InputIds, batch.AttentionMask, options);
    }

    /// <summary>Generates for left-padded prompts <paramref name="inputIds"/> [batch, seq] with <paramref name="attentionMask"/> [batch, seq].</summary>
    public IReadOnlyList<GeneratedSequence> Generate(Tensor inputIds, Tensor attentionMask, GenerationOptions options)
    {
        options.Validate();
        using var noGrad = no_grad();
        var device = model.Device;
        long batch = inputIds.shape[0], seq = inputIds.shape[1];
        using var cache = new KVCache(model.Config.NumHiddenLayers);
        using var random = options.DoSample && options.Seed is { } seed ? new Generator((ulong)seed, device) : null;
        using var scope = NewDisposeScope();
        var mask = attentionMask.to(device).to(ScalarType.Int64);                              // [batch, seq]
        var last = NativeScalars.Filled(batch, seq - 1, device);              // [batch]
        using var output = model.Forward(inputIds.to(device), mask, cache: cache, logitPositions: last);
        var logits = output.Logits.select(1, 0).to(ScalarType.Float32);                        // [batch, vocab]
        // The positions the model derives from a left-padding mask (cumsum - 1): a row's next token follows its real tokens.
        var firstPositions = mask.sum(1);                                                       // [batch]
        var rows = DecodeLoop.Run(model, cache, logits, mask, firstPositions, options, random, keepStopToken: true);
        return rows.Select(r => new GeneratedSequence(r.TokenIds, r.LogProbs, r.End == DecodeEnd.Stop ? FinishReason.Stop : FinishReason.Length)).ToList();
    }
}
