using IRanker.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>
/// Batched autoregressive decoding (greedy or sampling with temperature, top-k, top-p) over left-padded prompts,
/// with a KV cache: one forward pass over the prompts, then one single-token pass per new token.
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
        var stop = options.StopTokenIds.Count > 0 ? tensor(options.StopTokenIds.Select(i => (long)i).ToArray(), device: device) : null;

        var tokens = Enumerable.Range(0, (int)batch).Select(_ => new List<int>()).ToArray();
        var logProbs = Enumerable.Range(0, (int)batch).Select(_ => new List<float>()).ToArray();
        var stopped = new bool[batch];

        Tensor mask;
        using (var setup = NewDisposeScope())
            mask = attentionMask.to(device).to(ScalarType.Int64).clone().DetachFromDisposeScope(); // own copy: the caller's mask is never disposed
        Tensor finished = zeros(batch, dtype: ScalarType.Bool, device: device).DetachFromDisposeScope();
        Tensor logits;
        using (var scope = NewDisposeScope())
        {
            var last = full(batch, seq - 1, dtype: ScalarType.Int64, device: device);          // [batch]
            using var output = model.Forward(inputIds.to(device), mask, cache: cache, logitPositions: last);
            logits = output.Logits.select(1, 0).to(ScalarType.Float32).DetachFromDisposeScope(); // [batch, vocab]
        }
        try
        {
            for (int step = 0; step < options.MaxNewTokens; step++)
            {
                using var scope = NewDisposeScope();
                var (next, nextLogProb) = Choose(logits, options, random);                      // [batch], [batch]
                next = next.masked_fill(finished, options.PadTokenId);
                var ids = next.cpu().data<long>().ToArray();
                var lps = nextLogProb.cpu().data<float>().ToArray();
                for (int b = 0; b < batch; b++)
                {
                    if (stopped[b]) continue;
                    tokens[b].Add((int)ids[b]);
                    logProbs[b].Add(lps[b]);
                    if (options.StopTokenIds.Contains((int)ids[b])) stopped[b] = true;
                }
                if (stop is not null)
                {
                    var nowFinished = finished.logical_or(isin(next, stop)).DetachFromDisposeScope();
                    finished.Dispose();
                    finished = nowFinished;
                }
                if (stopped.All(s => s) || step == options.MaxNewTokens - 1) break;

                var grown = cat([mask, ones(batch, 1, dtype: ScalarType.Int64, device: device)], 1).DetachFromDisposeScope(); // [batch, past + 1]
                mask.Dispose();
                mask = grown;
                using var output = model.Forward(next.view(batch, 1), mask, cache: cache);
                var nextLogits = output.Logits.select(1, 0).to(ScalarType.Float32).DetachFromDisposeScope(); // [batch, vocab]
                logits.Dispose();
                logits = nextLogits;
            }
        }
        finally
        {
            logits.Dispose();
            mask.Dispose();
            finished.Dispose();
            stop?.Dispose();
        }
        return Enumerable.Range(0, (int)batch)
            .Select(b => new GeneratedSequence(tokens[b].ToArray(), logProbs[b].ToArray(), stopped[b] ? FinishReason.Stop : FinishReason.Length))
            .ToList();
    }

    /// <summary>Picks the next token of every row from float32 <paramref name="logits"/> [batch, vocab]; returns it and its log-prob, both [batch].</summary>
    internal static (Tensor Token, Tensor LogProb) Choose(Tensor logits, GenerationOptions options, Generator? random)
    {
        using var scope = NewDisposeScope();
        Tensor token;
        Tensor logProbs;
        if (!options.DoSample)
        {
            logProbs = logits.log_softmax(-1);                                                  // [batch, vocab]
            token = logits.argmax(-1);                                                          // [batch]
        }
        else
        {
            var scaled = logits / options.Temperature;                                          // [batch, vocab]
            logProbs = scaled.log_softmax(-1);
            var filtered = Filter(scaled, options.TopK, options.TopP);
            token = multinomial(filtered.softmax(-1), 1, generator: random).squeeze(1);         // [batch]
        }
        var logProb = logProbs.gather(1, token.unsqueeze(1)).squeeze(1);                        // [batch]
        return (token.MoveToOuterDisposeScope(), logProb.MoveToOuterDisposeScope());
    }

    /// <summary>Sets to -inf the logits outside the top-k and outside the top-p nucleus; [batch, vocab] in and out.</summary>
    private static Tensor Filter(Tensor scaled, int topK, double topP)
    {
        var result = scaled;
        if (topK > 0 && topK < scaled.shape[1])
        {
            var kth = result.topk(topK, dim: -1).values.narrow(1, topK - 1, 1);                // [batch, 1]
            result = result.masked_fill(result.lt(kth), double.NegativeInfinity);
        }
        if (topP < 1.0)
        {
            var (sorted, indices) = result.sort(-1, descending: true);                          // [batch, vocab]
            var probs = sorted.softmax(-1);
            var before = probs.cumsum(-1) - probs;                                              // mass of strictly more likely tokens
            var drop = before.ge(topP);                                                         // the most likely token always stays
            var keptSorted = sorted.masked_fill(drop, double.NegativeInfinity);
            result = full_like(result, double.NegativeInfinity).scatter(1, indices, keptSorted);
        }
        return result;
    }
}
