namespace IRanker.Model.Answers;

/// <summary>A complete ranking recovered from a generated permutation, and what had to be repaired.</summary>
/// <param name="Order">Candidate indices, best first; every candidate exactly once.</param>
/// <param name="Unknown">Items of the answer that matched no candidate ID (dropped).</param>
/// <param name="Duplicates">Repeated mentions of a candidate (dropped; the first place counts).</param>
/// <param name="Missing">Candidates the answer left out (appended in input order).</param>
/// <example><code>bool clean = repaired is { Unknown: 0, Duplicates: 0, Missing: 0 };</code></example>
internal sealed record RepairedRanking(IReadOnlyList<int> Order, int Unknown, int Duplicates, int Missing)
{
    /// <summary>Whether the answer was a complete permutation of the IDs as it was.</summary>
    public bool WasComplete => Unknown == 0 && Duplicates == 0 && Missing == 0;
}
