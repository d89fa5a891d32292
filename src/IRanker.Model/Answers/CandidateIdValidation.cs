using IRanker.Model.Elimination;

namespace IRanker.Model.Answers;

/// <summary>
/// The one rule for candidate IDs, applied by every entry point (ML.NET's <c>Fit</c>/<c>Transform</c>, <c>RankAsync</c>,
/// <see cref="IterativeRanker"/>, <see cref="DirectRanker"/>, training): within a list every ID is non-empty after
/// trimming, and no two IDs are equal after trimming. The model answers with an ID, so an empty ID or two equal ones
/// cannot be told apart in its answer (an empty ID even wins every Choice-mode step, as its continuation is only the
/// closing tag).
/// </summary>
internal static class CandidateIdValidation
{
    /// <summary>The first ID of <paramref name="ids"/> that breaks the rule, or null when all are valid.</summary>
    public static CandidateIdProblem? FindProblem(IReadOnlyList<string?> ids)
    {
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Count; i++)
        {
            string trimmed = ids[i]?.Trim() ?? "";
            if (trimmed.Length == 0) return new CandidateIdProblem(i, null, ids[i] ?? "");
            if (!firstIndex.TryAdd(trimmed, i)) return new CandidateIdProblem(i, firstIndex[trimmed], ids[i]!);
        }
        return null;
    }

    /// <summary>Checks every query's candidate IDs.</summary>
    /// <param name="queries">The queries.</param>
    /// <param name="parameterName">The argument's name, for the exception.</param>
    /// <param name="firstIndex">The index of <c>queries[0]</c> in the caller's numbering (a stream's running count).</param>
    /// <exception cref="ArgumentException">An ID is empty or repeated; the message names the query (index and ID), the candidate's index and its ID.</exception>
    public static void Check(IReadOnlyList<RankingQuery> queries, string parameterName, long firstIndex = 0)
    {
        ArgumentNullException.ThrowIfNull(queries, parameterName);
        for (int q = 0; q < queries.Count; q++)
        {
            var query = queries[q] ?? throw new ArgumentException($"Query {firstIndex + q} in {parameterName} is null.", parameterName);
            if (query.Candidates is null)
                throw new ArgumentException($"Query {Describe(query, firstIndex + q)} in {parameterName} has no candidate list (null).", parameterName);
            if (FindProblem(query.Candidates.Select(c => c?.Id).ToArray()) is { } problem)
                throw new ArgumentException($"Query {Describe(query, firstIndex + q)} in {parameterName}: {problem.Describe("candidate ")}", parameterName);
        }
    }

    private static string Describe(RankingQuery query, long index) => query.QueryId is { } id ? $"{index} (QueryId '{id}')" : index.ToString();
}
