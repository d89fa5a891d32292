using IRanker.Model;

namespace IRanker.MLNet.Rows;

/// <summary>Converts between lists (<see cref="RankingQuery"/>) and row-per-candidate <see cref="RankingRow"/>s.</summary>
/// <example>
/// <code>
/// List&lt;RankingRow&gt; rows = RankingRows.FromQueries(queries);
/// IDataView view = mlContext.Data.LoadFromEnumerable(rows);
/// IReadOnlyList&lt;RankingQuery&gt; again = RankingRows.ToQueries(rows);
/// </code>
/// </example>
public static class RankingRows
{
    /// <summary>One row per candidate; the lists get group IDs <paramref name="firstGroupId"/>, +1, ... in order.</summary>
    /// <remarks>A candidate without a label gets NaN; a query without a task gets an empty <see cref="RankingRow.Task"/>.</remarks>
    public static List<RankingRow> FromQueries(IEnumerable<RankingQuery> queries, uint firstGroupId = 1)
    {
        ArgumentNullException.ThrowIfNull(queries);
        var rows = new List<RankingRow>();
        uint groupId = firstGroupId;
        foreach (var query in queries)
        {
            foreach (var candidate in query.Candidates)
            {
                rows.Add(new RankingRow
                {
                    GroupId = groupId,
                    Query = query.Context,
                    Candidate = candidate.Text,
                    CandidateId = candidate.Id,
                    Label = candidate.Label ?? float.NaN,
                    Task = query.Task ?? "",
                });
            }
            groupId++;
        }
        return rows;
    }

    /// <summary>
    /// Groups consecutive rows with the same group ID into lists. The context and task come from the group's first row;
    /// the scenario from the task name as <see cref="RankingTasks.ScenarioOf"/> maps it (<c>Movie</c>, <c>Rec-Movie</c>, ...;
    /// unknown names give <see cref="RankingScenario.Generic"/>), the same mapping the trainer applies to a task column;
    /// NaN labels become unknown; the query ID is the group ID.
    /// </summary>
    public static IReadOnlyList<RankingQuery> ToQueries(IEnumerable<RankingRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var queries = new List<RankingQuery>();
        var group = new List<RankingRow>();
        foreach (var row in rows)
        {
            if (group.Count > 0 && group[0].GroupId != row.GroupId)
            {
                queries.Add(ToQuery(group));
                group.Clear();
            }
            group.Add(row);
        }
        if (group.Count > 0) queries.Add(ToQuery(group));
        return queries;
    }

    private static RankingQuery ToQuery(List<RankingRow> group)
    {
        var first = group[0];
        string? task = string.IsNullOrWhiteSpace(first.Task) ? null : first.Task.Trim();
        var scenario = RankingTasks.ScenarioOf(task) ?? RankingScenario.Generic;
        var candidates = group.Select(r => new RankingCandidate(r.CandidateId, r.Candidate, float.IsNaN(r.Label) ? null : r.Label)).ToList();
        return new RankingQuery(first.Query, candidates, scenario, task, first.GroupId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
