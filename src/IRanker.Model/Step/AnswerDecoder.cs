using IRanker.Model.Answers;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>
/// Continues the prompts of a <see cref="StepForward"/> token by token over its cache (greedy or sampled, through
/// <see cref="DecodeLoop"/>) until each row has closed its answer (<see cref="AnswerTags.AnswerClose"/>), hit a stop
/// token, or used its token allowance.
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
        DecodeSettings settings, Generator? random) =>
        Decode(model, source, forward, rows, settings, random).Select(r => new GeneratedAnswer(r.TokenIds, source.Decode(r.TokenIds), r.StopTokenId)).ToArray();

    /// <summary>
    /// The tokens of each row's answer and their log-probs, as <see cref="DecodeLoop"/> wrote them: a stop token ends a
    /// row and is left out, and a row whose text ends with <see cref="AnswerTags.AnswerClose"/> ends there.
    /// </summary>
    /// <inheritdoc cref="Generate" path="/param"/>
    internal static DecodedRow[] Decode(Qwen2ForCausalLM model, IStepPromptSource source, StepForward forward, IReadOnlyList<StepRow> rows,
        DecodeSettings settings, Generator? random)
    {
        if (forward.Cache is null) throw new InvalidOperationException("The step's forward pass kept no cache to decode from.");
        var options = new GenerationOptions
        {
            MaxNewTokens = settings.MaxTokens, DoSample = settings.Sample, Temperature = settings.Temperature, TopP = settings.TopP,
            StopTokenIds = source.StopTokenIds, PadTokenId = source.PadTokenId,
        };
        using var firstPositions = tensor(rows.Select(r => (long)r.Prompt.Length).ToArray(), device: model.Device); // [batch]
        return DecodeLoop.Run(model, forward.Cache, forward.LastLogits, forward.Keep, firstPositions, options, random, keepStopToken: false,
            tokens => source.Decode(tokens).TrimEnd().EndsWith(AnswerTags.AnswerClose, StringComparison.Ordinal));
    }
}
