using static TorchSharp.torch;

namespace IRanker.Model.Step;

/// <summary>
/// Per-token outputs for the branch tokens of a <see cref="StepForward"/> (when asked for with
/// <see cref="StepForwardOptions.TokenTemperature"/>): one row per branch, in the order of the forward's branches (each
/// step's branches in turn, the steps as in <see cref="StepForward.BranchLogProbs"/>), padded to the longest branch.
/// </summary>
/// <param name="LogProbs">[branches, T] float32: the log-probability of each branch token under <c>log_softmax(logits / temperature)</c>, 0 on padding.</param>
/// <param name="Entropy">[branches, T] float32: the entropy of that distribution at the position that predicts each branch token, 0 on padding.</param>
/// <param name="Hidden">[branches, T, hidden]: the last hidden state at the position that predicts each branch token (the step's last prompt token for the first), 0 on padding.</param>
/// <param name="Mask">[branches, T] float32: 1 on branch tokens, 0 on padding.</param>
internal sealed record BranchTokens(Tensor LogProbs, Tensor Entropy, Tensor Hidden, Tensor Mask) : IDisposable
{
    /// <inheritdoc/>
    public void Dispose()
    {
        LogProbs.Dispose();
        Entropy.Dispose();
        Hidden.Dispose();
        Mask.Dispose();
    }
}
