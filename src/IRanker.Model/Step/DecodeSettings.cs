using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>How <see cref="AnswerDecoder"/> writes an answer.</summary>
/// <param name="MaxTokens">Most tokens per row.</param>
/// <param name="Sample">Sample instead of taking the most likely token.</param>
/// <param name="Temperature">Sampling temperature.</param>
/// <param name="TopP">Nucleus mass (1 = no cut).</param>
internal sealed record DecodeSettings(int MaxTokens, bool Sample = false, double Temperature = 1.0, double TopP = 1.0);
