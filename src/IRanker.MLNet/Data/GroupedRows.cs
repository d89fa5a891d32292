using IRanker.Model;
using IRanker.Model.Answers;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace IRanker.MLNet.Data;

/// <summary>
/// The rows of an <see cref="IDataView"/> gathered into one <see cref="RankingQuery"/> per group. Groups need not be
/// contiguous, so every row's texts are held until the end of the pass.
/// </summary>
/// <param name="Queries">One query per group, in order of the group's first row.</param>
/// <param name="RowQuery">For every row (in cursor order), the index of its query.</param>
/// <param name="RowCandidate">For every row, the index of its candidate within that query.</param>
/// <param name="GroupNames">Per query, its group as messages name it (the key's value in quotes, or the number).</param>
internal sealed record GroupedRows(IReadOnlyList<RankingQuery> Queries, int[] RowQuery, int[] RowCandidate, IReadOnlyList<string> GroupNames)
{
    /// <summary>The row (in cursor order) of candidate <paramref name="candidate"/> of query <paramref name="query"/>.</summary>
    public long RowOf(int query, int candidate)
    {
        for (int row = 0; row < RowQuery.Length; row++)
            if (RowQuery[row] == query && RowCandidate[row] == candidate) return row;
        throw new ArgumentOutOfRangeException(nameof(candidate), $"Query {query} has no candidate {candidate}.");
    }

    /// <summary>The highest relevance label (ML.NET's ranking evaluator uses grades 0..4).</summary>
    public const float MaxLabel = 4;

    /// <summary>Reads every row of <paramref name="data"/>; labels too when <paramref name="columns"/> has one.</summary>
    /// <param name="data">The rows.</param>
    /// <param name="columns">The bound input columns.</param>
    /// <param name="options">Scenario, task and candidate-ID choices.</param>
    /// <param name="checkAlive">Called every few rows; throws to stop reading.</param>
    public static GroupedRows Read(IDataView data, RankingColumns columns, IRankerOptions options, Action checkAlive)
    {
        var active = new List<DataViewSchema.Column> { columns.Group, columns.Query, columns.Candidate };
        if (columns.CandidateId is { } idColumn) active.Add(idColumn);
        if (columns.Label is { } labelColumn) active.Add(labelColumn);
        if (columns.Task is { } taskColumn) active.Add(taskColumn);

        var groups = new Dictionary<uint, Group>();
        var order = new List<Group>();
        var rowQuery = new List<int>();
        var rowCandidate = new List<int>();

        using (var cursor = data.GetRowCursor(active))
        {
            var getGroup = cursor.GetGetter<uint>(columns.Group);
            var getQuery = cursor.GetGetter<ReadOnlyMemory<char>>(columns.Query);
            var getCandidate = cursor.GetGetter<ReadOnlyMemory<char>>(columns.Candidate);
            var getId = columns.CandidateId is { } c ? cursor.GetGetter<ReadOnlyMemory<char>>(c) : null;
            var getTask = columns.Task is { } t ? cursor.GetGetter<ReadOnlyMemory<char>>(t) : null;
            Func<long, float>? getLabel = columns.Label is { } l ? LabelReader(cursor, l) : null;
            bool groupIsKey = columns.Group.Type is KeyDataViewType;

            uint groupValue = 0;
            ReadOnlyMemory<char> text = default;
            for (long row = 0; cursor.MoveNext(); row++)
            {
                if ((row & 0xFF) == 0) checkAlive();
                getGroup(ref groupValue);
                if (groupIsKey && groupValue == 0)
                    throw new InvalidOperationException(
                        $"Row {row} has a missing value in group column '{columns.Group.Name}'; every row must belong to a group. " +
                        "A MapValueToKey fitted on other data maps the groups it has not seen to missing: give it every group with its keyData parameter, or fit it on this data.");

                if (!groups.TryGetValue(groupValue, out var group))
                {
                    getQuery(ref text);
                    groups[groupValue] = group = new Group(order.Count, groupValue, text.ToString(), row);
                    order.Add(group);
                    if (getTask is not null)
                    {
                        getTask(ref text);
                        group.Task = text.ToString();
                    }
                }
                else
                {
                    getQuery(ref text);
                    if (!text.Span.SequenceEqual(group.Query))
                        throw new InvalidOperationException(
                            $"Group {Display(columns.Group, groupValue)} has two different texts in query column '{columns.Query.Name}': " +
                            $"row {group.FirstRow} has '{Shorten(group.Query)}', row {row} has '{Shorten(text.ToString())}'. Every row of a group must have the same query.");
                    if (getTask is not null)
                    {
                        getTask(ref text);
                        if (!text.Span.SequenceEqual(group.Task))
                            throw new InvalidOperationException(
                                $"Group {Display(columns.Group, groupValue)} has two different values in task column '{columns.Task!.Value.Name}': " +
                                $"row {group.FirstRow} has '{group.Task}', row {row} has '{text}'. Every row of a group must have the same task.");
                    }
                }

                getCandidate(ref text);
                group.Texts.Add(text.ToString());
                if (getId is not null)
                {
                    getId(ref text);
                    group.Ids.Add(text.ToString());
                }
                group.Rows.Add(row);
                if (getLabel is not null) group.Labels.Add(getLabel(row));
                rowQuery.Add(group.Index);
                rowCandidate.Add(group.Texts.Count - 1);
            }
        }

        var queries = order.Select(g => g.ToQuery(options, columns)).ToArray();
        return new GroupedRows(queries, rowQuery.ToArray(), rowCandidate.ToArray(), order.Select(g => Display(columns.Group, g.Key)).ToArray());
    }

    // Returns the row's label as a grade 0..4, or throws naming the row.
    private static Func<long, float> LabelReader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        if (column.Type is KeyDataViewType)
        {
            var getKey = cursor.GetGetter<uint>(column);
            uint key = 0;
            return row =>
            {
                getKey(ref key);
                if (key == 0) throw new InvalidOperationException($"Row {row} has a missing value in label column '{column.Name}'.");
                return Checked(row, key - 1f);
            };
        }
        var get = cursor.GetGetter<float>(column);
        float value = 0;
        return row =>
        {
            get(ref value);
            return Checked(row, value);
        };

        float Checked(long row, float label) => float.IsFinite(label) && label is >= 0 and <= MaxLabel ? label
            : throw new InvalidOperationException(
                $"Row {row} has the label {label} in label column '{column.Name}'; labels must be relevance grades from 0 to {MaxLabel} (higher = more relevant).");
    }

    private static string Display(DataViewSchema.Column column, uint value)
    {
        if (column.Type is not KeyDataViewType || !column.HasKeyValues()) return value.ToString();
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetKeyValues(ref names);
        return value >= 1 && value <= names.Length ? $"'{names.GetItemOrDefault((int)value - 1)}'" : value.ToString();
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    private sealed class Group(int index, uint key, string query, long firstRow)
    {
        public int Index { get; } = index;
        public uint Key { get; } = key;
        public string Query { get; } = query;
        public long FirstRow { get; } = firstRow;
        public List<long> Rows { get; } = [];
        public List<string> Texts { get; } = [];
        public List<string> Ids { get; } = [];
        public List<float> Labels { get; } = [];
        public string? Task { get; set; }

        public RankingQuery ToQuery(IRankerOptions options, RankingColumns columns)
        {
            var scenario = Task is not null && RankingTasks.ScenarioOf(Task) is { } known ? known : options.Scenario;
            string? task = Task ?? options.Task;
            string[] ids = Ids.Count > 0 ? Ids.ToArray() : DefaultCandidateIds.For(scenario, Texts);
            if (CandidateIdValidation.FindProblem(ids) is { } problem)
                throw new InvalidOperationException(DescribeIdProblem(problem, columns, scenario));
            var candidates = new RankingCandidate[Texts.Count];
            for (int i = 0; i < candidates.Length; i++)
                candidates[i] = new RankingCandidate(ids[i], Texts[i], Labels.Count > 0 ? Labels[i] : null);
            return new RankingQuery(Query, candidates, scenario, task, Key.ToString());
        }

        // Names the group, the rows and the ID, and says where the ID came from (the ID column or the candidate text).
        private string DescribeIdProblem(CandidateIdProblem problem, RankingColumns columns, RankingScenario scenario)
        {
            string group = Display(columns.Group, Key);
            if (columns.CandidateId is { } idColumn)
                return problem.IsEmpty
                    ? $"Group {group}, row {Rows[problem.Index]}, has an empty value in candidate ID column '{idColumn.Name}'. " +
                      "Every candidate needs a non-empty ID, since the model answers with it: fill the column, or leave CandidateIdColumnName null for generated IDs."
                    : $"Group {group} has the candidate ID '{problem.Id.Trim()}' twice in column '{idColumn.Name}' " +
                      $"(rows {Rows[problem.FirstIndex!.Value]} and {Rows[problem.Index]}); IDs must be unique within a group " +
                      "(compared after trimming white space), since the model answers with them.";
            // Generated IDs are unique by construction; only an empty candidate text can break the rule.
            return $"Group {group}, row {Rows[problem.Index]}, has an empty text in candidate column '{columns.Candidate.Name}'. " +
                   $"In the {scenario} scenario the candidate's text is the ID the model answers with (an item title, an LLM name), " +
                   "so it must not be empty: remove the row, give it a text, or give every row an ID with CandidateIdColumnName.";
        }
    }
}
