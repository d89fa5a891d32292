using IRanker.Model.Step;

namespace IRanker.Model.Training.Sampling;

/// <summary>
/// Packs the steps of one list's elimination (append-only layout, Choice mode) into rows: each row is the prompt of its
/// last step with every step's candidates as branches at that step's position, so that one forward pass scores all of
/// them (see <see cref="StepRow.Packed"/>).
/// </summary>
/// <remarks>
/// A row holds at most <c>packTokens</c> tokens (its prompt and every step's branches). An elimination longer than that
/// is cut into pieces, each a row of its own that runs its whole prompt again; a piece counts in the prompt's
/// next-token loss only the tokens that the pieces before it did not, so that the loss counts each prompt token once.
/// A single step longer than <c>packTokens</c> is a piece of its own.
/// </remarks>
internal static class PackedElimination
{
    /// <summary>The place of each of <paramref name="states"/> (one list's steps, in elimination order).</summary>
    /// <param name="step">The elimination step (its prompts must be append-only).</param>
    /// <param name="states">The steps: the same query, each removing one more candidate from the one before.</param>
    /// <param name="packTokens">Most tokens of a row.</param>
    /// <param name="maxPromptTokens">Most tokens of one step's prompt (<see cref="TrainingOptions.MaxPromptTokens"/>).</param>
    /// <exception cref="InvalidOperationException">A step's prompt is longer than <paramref name="maxPromptTokens"/>, or does not extend the one before.</exception>
    public static StepPlace[] Places(ModelStep step, IReadOnlyList<EliminationState> states, int packTokens, int maxPromptTokens)
    {
        var query = states[0].Query;
        var shown = states[0].Remaining.Concat(states[0].History).ToArray();
        var first = step.Prompt(query, shown, DecodingMode.Choice);
        var prompts = states.Select(s => step.Prompt(query, s.Remaining, s.History, DecodingMode.Choice, first)).ToArray();
        var choices = states.Select(s => step.Choices(query, s.Remaining)).ToArray();
        var branches = choices.Select(c => c.Branches).ToArray();
        for (int k = 0; k < states.Count; k++)
        {
            TrainingOptions.CheckPromptLength(query, states[k].Remaining.Count, prompts[k].Length, maxPromptTokens);
            if (k > 0 && !prompts[k].AsSpan(0, prompts[k - 1].Length).SequenceEqual(prompts[k - 1]))
                throw new InvalidOperationException($"Step {k} of query '{query.QueryId ?? query.Context}' does not extend the step before it; packed eliminations need the append-only layout.");
        }

        var places = new StepPlace[states.Count];
        int start = 0, lossFrom = 0;
        while (start < states.Count)
        {
            int end = start, branchTokens = branches[start].Sum(b => b.Length);
            while (end + 1 < states.Count)
            {
                int more = branches[end + 1].Sum(b => b.Length);
                if (prompts[end + 1].Length + branchTokens + more > packTokens) break;
                branchTokens += more;
                end++;
            }
            var earlier = Enumerable.Range(start, end - start).Select(k => new BranchPoint(prompts[k].Length, branches[k], choices[k].Scoring)).ToArray();
            var row = StepRow.Packed(prompts[end], earlier, branches[end], lossFrom, choices[end].Scoring);
            for (int k = start; k <= end; k++) places[k] = new StepPlace(row, k - start);
            lossFrom = prompts[end].Length;
            start = end + 1;
        }
        return places;
    }
}
