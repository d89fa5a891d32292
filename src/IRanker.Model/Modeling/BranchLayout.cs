using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// One row that holds a prompt followed by several candidate continuations ("branches"), each of which sees the
/// prompt and its own earlier tokens only, at the positions it would have right after the prompt. Scoring m
/// candidates then costs one forward pass over prompt + all branch tokens, instead of m passes over the prompt.
/// </summary>
/// <remarks>
/// A token's group is 0 for the prompt, c + 1 for branch c, and -1 for padding. A real query token attends to the
/// earlier (causal) tokens of the prompt and of its own group, and to the cached past from its row's first real
/// column; a padded query attends to itself only, so that no softmax row is empty. Optionally a branch sees only the
/// first part of the prompt (the prompt of an earlier elimination step, packed into the same row), and several rows
/// share one sequence with a block-diagonal mask (segments).
/// </remarks>
internal static class BranchLayout
{
    /// <summary>The attention mask [batch, 1, new, past + new] (true = may attend).</summary>
    /// <param name="groups">[batch, new]: 0 prompt, c + 1 branch c, -1 padding.</param>
    /// <param name="pastStart">[batch]: first real past column of each row; null when there is no past.</param>
    /// <param name="maxPast">Number of past columns.</param>
    /// <param name="segments">[batch, new]: which of the rows packed into a sequence a token belongs to (tokens see their own
    /// row's only); null when every sequence holds one row.</param>
    /// <param name="limits">[batch, new]: for a branch token, the first new column of its row's prompt that it may no longer
    /// see (a branch of an earlier step sees that step's prompt only); null when branches see the whole prompt.</param>
    public static Tensor Mask(Tensor groups, Tensor? pastStart, long maxPast, Tensor? segments = null, Tensor? limits = null)
    {
        long n = groups.shape[1];
        var device = groups.device;
        var index = NativeScalars.Range(0, n, device);
        var causal = index.unsqueeze(1).ge(index.unsqueeze(0));                             // [new, new]
        var query = groups.unsqueeze(2);                                                    // [batch, new, 1]
        var key = groups.unsqueeze(1);                                                      // [batch, 1, new]
        var real = query.ge(NativeScalars.Zero);                                                             // [batch, new, 1]
        var promptKey = key.eq(NativeScalars.Zero);                                                          // [batch, 1, new]
        if (limits is not null) promptKey = promptKey.logical_and(index.unsqueeze(0).unsqueeze(0).lt(limits.unsqueeze(2))); // [batch, new, new]
        var sameOrPrompt = promptKey.logical_or(key.eq(query)).logical_and(key.ge(NativeScalars.Zero));      // [batch, new, new]
        if (segments is not null) sameOrPrompt = sameOrPrompt.logical_and(segments.unsqueeze(2).eq(segments.unsqueeze(1)));
        var fresh = sameOrPrompt.logical_and(causal).logical_and(real)
            .logical_or(eye(n, dtype: ScalarType.Bool, device: device));                    // [batch, new, new]
        if (maxPast == 0 || pastStart is null) return fresh.unsqueeze(1);                   // [batch, 1, new, new]
        var past = NativeScalars.Range(0, maxPast, device).unsqueeze(0).ge(pastStart.unsqueeze(1))  // [batch, past]
            .unsqueeze(1).logical_and(real);                                                // [batch, new, past]
        return cat([past, fresh], 2).unsqueeze(1);                                          // [batch, 1, new, past + new]
    }
}
