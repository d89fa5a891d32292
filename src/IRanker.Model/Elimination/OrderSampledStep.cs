using IRanker.Model.Step;

namespace IRanker.Model.Elimination;

/// <summary>
/// A Choice step that shows each list's pool in several orders (<see cref="RankerOptions.OrderSamples"/>) and combines
/// the orders' distributions into one, so that where a candidate is listed weighs less in which one is eliminated.
/// </summary>
/// <remarks>
/// <para>Each list gets one row per order (<see cref="CandidateOrders"/>): the first is the list's ordinary row, the
/// others show the same candidates, with the same IDs, in another order (a query holding just the pool's candidates in
/// that order, as the trainer's sub-lists are built). All rows of the batch run in forward passes of at most
/// <see cref="RankerOptions.TokenBudget"/> tokens. Each row's Choice distribution is mapped back to the candidates and
/// the probabilities are averaged over the orders (a mixture: it is a distribution without renormalising, and one
/// over-confident order cannot veto the others the way a mean of log-probabilities lets it).</para>
/// <para>Every row may reuse the list's prefix cache for what its prompt shares with the cached one (at least the
/// context); only the first order's prompt is kept as the next step's cache.</para>
/// </remarks>
internal static class OrderSampledStep
{
    /// <summary>
    /// Runs one step for <paramref name="states"/>, whose ordinary rows are <paramref name="rows"/>; returns per list the
    /// combined log-probability of eliminating each pool candidate (in pool order) and what the step cost.
    /// </summary>
    /// <remarks>On return each list's cache is its first order's prompt (with <see cref="RankerOptions.ReusePrefixCache"/>).</remarks>
    public static (float[][] LogProbs, InferenceCounters Cost) Run(ModelStep step, RankerOptions options, IReadOnlyList<ListState> states, IReadOnlyList<StepRow> rows)
    {
        var owners = new List<(int List, int[] Order)>();
        var allRows = new List<StepRow>();
        for (int b = 0; b < states.Count; b++)
        {
            var state = states[b];
            var orders = CandidateOrders.For(state.Remaining.Count, options.OrderSamples, options.Seed);
            for (int o = 0; o < orders.Length; o++)
            {
                owners.Add((b, orders[o]));
                allRows.Add(o == 0 ? rows[b] : Reordered(step, options, state, rows[b], orders[o]));   // order 0: the pool's own
            }
        }

        var sums = states.Select(s => new double[s.Remaining.Count]).ToArray();
        var counts = new int[states.Count];
        var caches = new PrefixCache?[states.Count];
        var cost = InferenceCounters.Zero;
        try
        {
            foreach (var batch in TokenBudgetBatcher.Plan(allRows, options.TokenBudget, 0))
            {
                var batchRows = batch.Select(i => allRows[i]).ToList();
                using var forward = step.Forward(batchRows, new StepForwardOptions(KeepPrefixes: options.ReusePrefixCache, KeepCache: false));
                cost += new InferenceCounters(1, batchRows.Sum(r => (long)r.Prompt.Length), batchRows.Sum(r => (long)r.PastLength),
                    batchRows.Sum(r => (long)r.Branches.Sum(t => t.Length)), 0);
                var scores = forward.BranchLogProbArrays();
                for (int r = 0; r < batch.Length; r++)
                {
                    var (list, order) = owners[batch[r]];
                    if (ReferenceEquals(allRows[batch[r]], rows[list]) && caches[list] is null) caches[list] = forward.Prefixes[r];
                    else forward.Prefixes[r]?.Dispose();
                    var (_, _, logProbs) = ChoiceDecision.MostLikely(scores[r]);
                    for (int place = 0; place < order.Length; place++) sums[list][order[place]] += Math.Exp(logProbs[place]);
                    counts[list]++;
                }
            }
            // Only now: rows of a later batch may still have read the old caches.
            for (int b = 0; b < states.Count; b++)
            {
                states[b].ReplaceCache(caches[b]);
                caches[b] = null;
            }
        }
        finally
        {
            foreach (var cache in caches) cache?.Dispose();
        }

        var combined = sums.Select((sum, b) => sum.Select(p => (float)Math.Log(p / counts[b])).ToArray()).ToArray();
        return (combined, cost);
    }

    /// <summary>The row of <paramref name="state"/>'s pool shown in <paramref name="order"/> (positions into the pool).</summary>
    private static StepRow Reordered(ModelStep step, RankerOptions options, ListState state, StepRow first, int[] order)
    {
        var query = state.Query;
        // The pool in this order, then (for an append-only prompt, which lists them and recalls their elimination) the
        // candidates the list has eliminated, in the order they went.
        var history = state.History;
        var view = query with
        {
            Candidates = [.. order.Select(place => query.Candidates[state.Remaining[place]]), .. history.Select(c => query.Candidates[c])],
        };
        var prompt = step.Prompt(view, Enumerable.Range(0, order.Length).ToArray(), Enumerable.Range(order.Length, history.Count).ToArray(), options.Mode);
        // The continuations are the candidates' IDs (cut where they part, with UniquePrefix), the same whatever their
        // place: taken from the first row.
        var branches = order.Select(place => first.Branches[place]).ToArray();
        return StepRow.Create(prompt, options.ReusePrefixCache ? state.Cache : null, branches, first.Scoring);
    }
}
