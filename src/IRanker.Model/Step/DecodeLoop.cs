using IRanker.Model.Runtime;
using IRanker.Model.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>
/// The token-by-token decode loop that every generation runs after its prompt pass: picks each row's next token from
/// the last logits (<see cref="Choose"/>), ends rows on a stop token, on the caller's rule or at the length limit, and
/// feeds the picked tokens back through the model one position at a time over the filled KV cache.
/// </summary>
/// <remarks>
/// <para><see cref="TokenGenerator"/> runs it after its own prompt pass over left-padded prompts;
/// <see cref="AnswerDecoder"/> after the ranking step's <see cref="StepForward"/>. Each caller describes its layout by
/// the mask of the cached columns a new token may attend to and by each row's first new position: new token
/// <c>step</c> of row b sits at <c>firstPositions[b] + step</c>.</para>
/// <para>A row that has ended is fed <see cref="GenerationOptions.PadTokenId"/> from the step it ended at; that only
/// changes its own cache and logits, which are no longer read. The loop stops when every row has ended.</para>
/// </remarks>
internal static class DecodeLoop
{
    /// <summary>Decodes every row; per row, its tokens, their log-probs and why it ended.</summary>
    /// <param name="model">The model whose cache <paramref name="cache"/> is.</param>
    /// <param name="cache">The cache filled by the prompt pass; extended by one column per step.</param>
    /// <param name="logits">Float32 logits of each row's next token after its prompt, [batch, vocab]; not disposed here.</param>
    /// <param name="mask">The cache columns the new tokens may attend to, [batch, columns] int64 0/1 (columns = the cache
    /// length); not disposed here.</param>
    /// <param name="firstPositions">Each row's position of its first new token, [batch] int64; not disposed here.</param>
    /// <param name="options">How to choose tokens (<see cref="GenerationOptions.DoSample"/>, temperature, top-k, top-p), the
    /// length limit (<see cref="GenerationOptions.MaxNewTokens"/>), the stop tokens and the pad token fed to ended rows;
    /// <see cref="GenerationOptions.Seed"/> is not read (the caller passes <paramref name="random"/>).</param>
    /// <param name="random">The sampler's random source (null for greedy, or for an unseeded sampler).</param>
    /// <param name="keepStopToken">Whether a stop token is kept as the last token of its row.</param>
    /// <param name="ends">Whether a row's tokens so far (after a token that is not a stop token) end it; null = never.</param>
    public static DecodedRow[] Run(Qwen2ForCausalLM model, KVCache cache, Tensor logits, Tensor mask, Tensor firstPositions,
        GenerationOptions options, Generator? random, bool keepStopToken, Func<IReadOnlyList<int>, bool>? ends = null)
    {
        using var noGrad = no_grad();
        var device = model.Device;
        long batch = logits.shape[0];
        var stops = new HashSet<int>(options.StopTokenIds);
        var tokens = Enumerable.Range(0, (int)batch).Select(_ => new List<int>()).ToArray();
        var logProbs = Enumerable.Range(0, (int)batch).Select(_ => new List<float>()).ToArray();
        var end = Enumerable.Repeat(DecodeEnd.Length, (int)batch).ToArray();
        var stopTokens = new int?[batch];
        var done = new bool[batch];

        var current = logits.alias();                                                         // [batch, vocab]
        var columns = mask.alias();                                                           // [batch, past]
        try
        {
            for (int step = 0; step < options.MaxNewTokens; step++)
            {
                using var scope = NewDisposeScope();
                var (chosen, chosenLogProb) = Choose(current, options, random);               // [batch], [batch]
                var ids = chosen.cpu().data<long>().ToArray();
                var lps = chosenLogProb.cpu().data<float>().ToArray();
                for (int b = 0; b < batch; b++)
                {
                    if (done[b]) continue;
                    int id = (int)ids[b];
                    if (stops.Contains(id))
                    {
                        if (keepStopToken) { tokens[b].Add(id); logProbs[b].Add(lps[b]); }
                        done[b] = true;
                        end[b] = DecodeEnd.Stop;
                        stopTokens[b] = id;
                        continue;
                    }
                    tokens[b].Add(id);
                    logProbs[b].Add(lps[b]);
                    if (ends is not null && ends(tokens[b])) { done[b] = true; end[b] = DecodeEnd.Rule; }
                }
                if (step == options.MaxNewTokens - 1 || done.All(d => d)) break;

                var next = tensor(ids.Select((t, b) => done[b] ? options.PadTokenId : t).ToArray(), [batch, 1], device: device); // [batch, 1]
                var positions = firstPositions.to(device).Plus((long)step).view(batch, 1);          // [batch, 1]
                var grown = cat([columns, ones([batch, 1], ScalarType.Int64, device)], 1);   // [batch, past + 1]
                using var output = model.Forward(next, grown, positions, cache);
                var nextLogits = output.Logits.select(1, 0).to(ScalarType.Float32);          // [batch, vocab]

                current.Dispose();
                columns.Dispose();
                current = nextLogits.DetachFromDisposeScope();
                columns = grown.DetachFromDisposeScope();
            }
        }
        finally
        {
            current.Dispose();
            columns.Dispose();
        }
        return Enumerable.Range(0, (int)batch).Select(b => new DecodedRow([.. tokens[b]], [.. logProbs[b]], end[b], stopTokens[b])).ToArray();
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
            var scaled = logits.DividedBy(options.Temperature);                                          // [batch, vocab]
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
            result = result.masked_fill(result.lt(kth), NativeScalars.NegativeInfinity);
        }
        if (topP < 1.0)
        {
            var (sorted, indices) = result.sort(-1, descending: true);                          // [batch, vocab]
            var probs = sorted.softmax(-1);
            var before = probs.cumsum(-1) - probs;                                              // mass of strictly more likely tokens
            var drop = before.AtLeast(topP);                                                         // the most likely token always stays
            var keptSorted = sorted.masked_fill(drop, NativeScalars.NegativeInfinity);
            result = full_like(result, NativeScalars.NegativeInfinity).scatter(1, indices, keptSorted);
        }
        return result;
    }
}
