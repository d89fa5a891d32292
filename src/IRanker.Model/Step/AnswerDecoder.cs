using IRanker.Model.Answers;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>
/// Continues the prompts of a <see cref="StepForward"/> token by token over its cache (greedy or sampled) until each
/// row has closed its answer (<see cref="AnswerTags.AnswerClose"/>), hit a stop token, or used its token allowance.
/// </summary>
internal static class AnswerDecoder
{
    /// <summary>The generated answer of each row.</summary>
    /// <param name="model">The model that ran <paramref name="forward"/>.</param>
    /// <param name="source">Decodes the tokens and names the stop tokens.</param>
    /// <param name="forward">The prompts' forward pass (run with <see cref="StepForwardOptions.KeepCache"/>).</param>
    /// <param name="rows">The rows of <paramref name="forward"/>, in order.</param>
    /// <param name="settings">Length, greedy or sampling.</param>
    /// <param name="random">The sampler's random source (null for greedy).</param>
    public static GeneratedAnswer[] Generate(Qwen2ForCausalLM model, IStepPromptSource source, StepForward forward, IReadOnlyList<StepRow> rows,
        DecodeSettings settings, Generator? random)
    {
        if (forward.Cache is null) throw new InvalidOperationException("The step's forward pass kept no cache to decode from.");
        using var noGrad = no_grad();
        int batch = rows.Count;
        var generation = new GenerationOptions { DoSample = settings.Sample, Temperature = settings.Temperature, TopP = settings.TopP };
        var stops = new HashSet<int>(source.StopTokenIds);
        var tokens = Enumerable.Range(0, batch).Select(_ => new List<int>()).ToArray();
        var done = new bool[batch];
        var stopped = new int?[batch];
        var device = model.Device;

        var logits = forward.LastLogits.alias();                                           // [batch, vocab]
        var keep = forward.Keep.alias();                                                   // [batch, columns]
        try
        {
            for (int step = 0; step < settings.MaxTokens; step++)
            {
                using var scope = NewDisposeScope();
                var (chosen, _) = TokenGenerator.Choose(logits, generation, random);       // [batch]
                var picked = chosen.cpu().data<long>().ToArray();
                for (int b = 0; b < batch; b++)
                {
                    if (done[b]) continue;
                    int id = (int)picked[b];
                    if (stops.Contains(id)) { done[b] = true; stopped[b] = id; continue; }
                    tokens[b].Add(id);
                    if (source.Decode(tokens[b]).TrimEnd().EndsWith(AnswerTags.AnswerClose, StringComparison.Ordinal)) done[b] = true;
                }
                if (step == settings.MaxTokens - 1 || done.All(d => d)) break;

                var next = tensor(picked.Select((t, b) => done[b] ? source.PadTokenId : t).ToArray(), [batch, 1], device: device); // [batch, 1]
                var positions = tensor(rows.Select(r => (long)(r.Prompt.Length + step)).ToArray(), [batch, 1], device: device);    // [batch, 1]
                var grown = cat([keep, ones([batch, 1], ScalarType.Int64, device)], 1);   // [batch, columns + 1]
                using var output = model.Forward(next, grown, positions, forward.Cache, logitPositions: zeros([batch], ScalarType.Int64, device));
                var nextLogits = output.Logits.select(1, 0).to(ScalarType.Float32);       // [batch, vocab]

                logits.Dispose();
                keep.Dispose();
                logits = nextLogits.DetachFromDisposeScope();
                keep = grown.DetachFromDisposeScope();
            }
        }
        finally
        {
            logits.Dispose();
            keep.Dispose();
        }
        return tokens.Select((t, b) => new GeneratedAnswer([.. t], source.Decode(t), stopped[b])).ToArray();
    }
}
