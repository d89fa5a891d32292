namespace IRanker.Model.Step;

/// <summary>
/// Splits the rows of one step into forward batches whose padded size, rows x (longest cached prefix + longest new
/// part + tokens still to generate), stays within the token budget.
/// </summary>
internal static class TokenBudgetBatcher
{
    /// <summary>Indices of <paramref name="rows"/> per batch: consecutive runs, in order; a row too large for the budget gets a batch of its own.</summary>
    /// <param name="rows">The step's rows.</param>
    /// <param name="budget">Most padded tokens per batch.</param>
    /// <param name="generatedTokens">Tokens each row may still generate after the forward pass (0 in Choice mode).</param>
    public static IReadOnlyList<int[]> Plan(IReadOnlyList<StepRow> rows, int budget, int generatedTokens)
    {
        var batches = new List<int[]>();
        var current = new List<int>();
        int maxPast = 0, maxNew = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            int past = Math.Max(maxPast, row.PastLength), fresh = Math.Max(maxNew, row.NewTokens);
            long cost = (long)(current.Count + 1) * (past + fresh + generatedTokens);
            if (current.Count > 0 && cost > budget)
            {
                batches.Add([.. current]);
                current = [];
                past = row.PastLength;
                fresh = row.NewTokens;
            }
            current.Add(i);
            maxPast = past;
            maxNew = fresh;
        }
        if (current.Count > 0) batches.Add([.. current]);
        return batches;
    }
}
