using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Objectives;

/// <summary>The supervised warm start's losses, which teach the task before reinforcement learning.</summary>
internal static class WarmStartLoss
{
    /// <summary>
    /// Choice mode: <c>-log Σ_{c ∈ worst} π(c)</c>, the negative log of the probability mass the policy puts on the
    /// correct eliminations (every candidate of the pool's smallest label), so that ties in the label do not fight.
    /// </summary>
    /// <param name="logProbs">[m] log-probabilities of eliminating each candidate of the pool (with gradient).</param>
    /// <param name="correct">[m] bool: whether each candidate is a correct elimination (at least one is).</param>
    public static Tensor Choice(Tensor logProbs, Tensor correct) =>
        -logProbs.masked_fill(correct.logical_not(), NativeScalars.NegativeInfinity).logsumexp(0);   // []

    /// <summary>Free text: the teacher-forced negative log-likelihood of the supervised answer, per response then averaged.</summary>
    /// <param name="logProbs">[R, T] log-probabilities of the answer tokens (with gradient).</param>
    /// <param name="mask">[R, T] 1 on answer tokens.</param>
    public static Tensor TeacherForced(Tensor logProbs, Tensor mask) => -MaskedMean.PerRow(logProbs, mask).mean();   // []
}
