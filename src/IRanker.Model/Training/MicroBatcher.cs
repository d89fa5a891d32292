namespace IRanker.Model.Training;

/// <summary>Splits a step's items into micro-batches whose row counts fit <see cref="TrainingOptions.MicroBatchSize"/>.</summary>
internal static class MicroBatcher
{
    /// <summary>
    /// Index groups whose row counts add up to at most <paramref name="maxRows"/> (at least one item each), taken in
    /// order of <paramref name="lengthOf"/>, so that a micro-batch pads its short rows up to a similar length rather
    /// than to the longest prompt of the step.
    /// </summary>
    /// <param name="count">Items.</param>
    /// <param name="maxRows">Most rows per micro-batch.</param>
    /// <param name="rowsOf">Rows of an item (1, or the group size for generated answers).</param>
    /// <param name="lengthOf">Tokens of an item's prompt.</param>
    public static List<List<int>> Plan(int count, int maxRows, Func<int, int> rowsOf, Func<int, int> lengthOf)
    {
        var batches = new List<List<int>>();
        var current = new List<int>();
        int rows = 0;
        foreach (int i in Enumerable.Range(0, count).OrderBy(lengthOf))
        {
            int r = rowsOf(i);
            if (current.Count > 0 && rows + r > maxRows)
            {
                batches.Add(current);
                current = [];
                rows = 0;
            }
            current.Add(i);
            rows += r;
        }
        if (current.Count > 0) batches.Add(current);
        return batches;
    }

    /// <summary>
    /// Index groups for items scored on rows (elimination steps, several of which may share a packed row): the items of
    /// one row stay together, and a micro-batch holds at most <paramref name="maxRows"/> rows, taken in order of their
    /// prompt length. With one item per row this is <see cref="Plan"/> with one row per item.
    /// </summary>
    public static List<List<int>> PlanRows(IReadOnlyList<Step.StepRow> rowOf, int maxRows)
    {
        var rows = new List<(Step.StepRow Row, List<int> Items)>();
        var index = new Dictionary<Step.StepRow, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < rowOf.Count; i++)
        {
            if (!index.TryGetValue(rowOf[i], out int r)) { r = rows.Count; index[rowOf[i]] = r; rows.Add((rowOf[i], [])); }
            rows[r].Items.Add(i);
        }
        return Plan(rows.Count, maxRows, _ => 1, r => rows[r].Row.Prompt.Length).Select(chunk => chunk.SelectMany(r => rows[r].Items).ToList()).ToList();
    }
}
