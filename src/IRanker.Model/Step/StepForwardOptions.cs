using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>What a <see cref="StepForward"/> keeps besides the candidates' scores, and how it lays rows out.</summary>
/// <param name="KeepPrefixes">Return each row's prompt cache (<see cref="StepForward.Prefixes"/>), for the next step's prefix reuse.</param>
/// <param name="KeepCache">Keep the filled key/value cache (<see cref="StepForward.Cache"/>), to generate after the prompts.</param>
/// <param name="PromptLoss">Also compute the mean next-token loss over the rows' new prompt tokens (<see cref="StepForward.PromptLoss"/>).</param>
/// <param name="PackTokens">
/// When above 0, rows without a cached prefix share one sequence of the batch, side by side, while their tokens add up to
/// at most this many (a block-diagonal mask keeps them apart, and each keeps its own positions), so that short rows are
/// not padded to the longest. A row longer than this has a sequence of its own. Not with <paramref name="KeepPrefixes"/>
/// or <paramref name="KeepCache"/>.
/// </param>
/// <param name="TokenTemperature">
/// When set, also give every branch token's log-probability under <c>log_softmax(logits / TokenTemperature)</c>, the
/// entropy of that distribution and the hidden state that predicts the token (<see cref="StepForward.Tokens"/>): how a
/// written answer, scored as a step's one branch, is trained. Null (the default): not computed. The branches' sequence
/// log-probs (<see cref="StepForward.BranchLogProbs"/>) are the same either way.
/// </param>
internal sealed record StepForwardOptions(bool KeepPrefixes = false, bool KeepCache = false, bool PromptLoss = false, int PackTokens = 0,
    double? TokenTemperature = null)
{
    /// <summary>Nothing kept: the scores only.</summary>
    public static StepForwardOptions ScoresOnly { get; } = new();
}
