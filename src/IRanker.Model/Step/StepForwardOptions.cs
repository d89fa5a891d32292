using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>What a <see cref="StepForward"/> keeps besides the candidates' scores.</summary>
/// <param name="KeepPrefixes">Return each row's prompt cache (<see cref="StepForward.Prefixes"/>), for the next step's prefix reuse.</param>
/// <param name="KeepCache">Keep the filled key/value cache (<see cref="StepForward.Cache"/>), to generate after the prompts.</param>
/// <param name="PromptLoss">Also compute the mean next-token loss over the rows' new prompt tokens (<see cref="StepForward.PromptLoss"/>).</param>
internal sealed record StepForwardOptions(bool KeepPrefixes = false, bool KeepCache = false, bool PromptLoss = false)
{
    /// <summary>Nothing kept: the scores only.</summary>
    public static StepForwardOptions ScoresOnly { get; } = new();
}
