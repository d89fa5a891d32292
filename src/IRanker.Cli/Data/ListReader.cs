using System.Globalization;
using IRanker.Model;
using IRanker.Model.Answers;

namespace IRanker.Cli.Data;

/// <summary>
/// Turns the rows of a row-per-candidate file into lists, one group at a time (memory: one list, plus the IDs of the
/// groups already read), and checks every row on the way: the required columns exist, texts are texts, labels are
/// numbers in 0..4 where needed, every row has a group, the rows of a group are consecutive and share their query and
/// task, and candidate IDs are non-empty and unique within their group. Every error names the file, the line (parquet:
/// the row) and the column.
/// </summary>
internal sealed class ListReader
{
    private readonly IRowSource _source;
    private readonly ListReadSettings _settings;
    private readonly int _group, _query, _candidate, _id, _label, _task;

    public ListReader(IRowSource source, ListReadSettings settings)
    {
        _source = source;
        _settings = settings;
        var names = settings.Columns;
        _query = Required(names.Query, "--query-column");
        _group = IndexOf(names.GroupId);
        if (_group < 0) _group = _query;   // no group column: consecutive rows with the same query form a list
        _candidate = Required(names.Candidate, "--candidate-column");
        _label = settings.NeedLabels ? Required(names.Label, "--label-column") : IndexOf(names.Label);
        _id = IndexOf(names.CandidateId);
        _task = IndexOf(names.Task);
    }

    /// <summary>Whether the file has no group column, so that consecutive rows with the same query form a list.</summary>
    public bool GroupsByQuery => _group == _query;

    /// <summary>Whether the file has a candidate-ID column (otherwise IDs are generated as the library does).</summary>
    public bool HasCandidateIds => _id >= 0;

    /// <summary>Whether the file has a task column.</summary>
    public bool HasTasks => _task >= 0;

    /// <summary>Whether the file has a label column.</summary>
    public bool HasLabels => _label >= 0;

    /// <summary>Reads a whole file into lists (for training and evaluation, which need every list).</summary>
    public static (List<InputList> Lists, bool HasIds, bool HasTasks) ReadAll(string path, ListReadSettings settings, CancellationToken cancellationToken)
    {
        using var source = DataFormats.Open(path);
        var reader = new ListReader(source, settings);
        var lists = reader.Lists(cancellationToken).ToList();
        if (lists.Count == 0) throw new DataFileException(path, null, null, "has a header but no rows.");
        return (lists, reader.HasCandidateIds, reader.HasTasks);
    }

    /// <summary>The lists, in file order, as they are read.</summary>
    public IEnumerable<InputList> Lists(CancellationToken cancellationToken)
    {
        var finished = new HashSet<string>(StringComparer.Ordinal);
        var rows = new List<RawRow>();
        string? group = null;
        foreach (var row in _source.Rows(cancellationToken))
        {
            string id = GroupOf(row);
            if (group is not null && id != group)
            {
                yield return ToList(rows);
                finished.Add(group);
                rows = [];
            }
            if (id != group && finished.Contains(id))
                throw Fail(row, _source.Columns[_group],
                    $"group '{id}' appears again after other groups; the rows of a group must be consecutive (sort the file by {_source.Columns[_group]}).");
            group = id;
            rows.Add(row);
        }
        if (rows.Count > 0) yield return ToList(rows);
    }

    private InputList ToList(List<RawRow> rows)
    {
        var first = rows[0];
        string context = Text(first, _query, allowEmpty: true)!;
        string? task = _task >= 0 ? Text(first, _task, allowEmpty: true) : null;
        task = string.IsNullOrWhiteSpace(task) ? null : task.Trim();
        var texts = new string[rows.Count];
        var labels = new float?[rows.Count];
        var ids = _id >= 0 ? new string[rows.Count] : null;
        var seen = ids is null ? null : new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            if (i > 0)
            {
                string other = Text(row, _query, allowEmpty: true)!;
                if (other != context)
                    throw Fail(row, _settings.Columns.Query,
                        $"group '{GroupOf(row)}' has another query than on {_source.RowKind} {first.Line}; every row of a group must carry the same query text.");
                if (_task >= 0 && (NullIfBlank(Text(row, _task, allowEmpty: true)) ?? null) != task)
                    throw Fail(row, _settings.Columns.Task,
                        $"group '{GroupOf(row)}' has another task than on {_source.RowKind} {first.Line}; every row of a group must have the same task.");
            }
            texts[i] = Text(row, _candidate, allowEmpty: false)!;
            labels[i] = Label(row);
            if (ids is not null)
            {
                string candidateId = Text(row, _id, allowEmpty: false)!.Trim();
                if (seen!.TryGetValue(candidateId, out long earlier))
                    throw Fail(row, _settings.Columns.CandidateId,
                        $"duplicate candidate ID '{candidateId}' in group '{GroupOf(row)}' (also on {_source.RowKind} {earlier}); IDs must be unique within a group, compared after trimming.");
                seen[candidateId] = row.Line;
                ids[i] = candidateId;
            }
        }
        var scenario = task is not null && RankingTasks.ScenarioOf(task) is { } known ? known : _settings.Scenario;
        ids ??= DefaultCandidateIds.For(scenario, texts);
        var candidates = new RankingCandidate[rows.Count];
        for (int i = 0; i < rows.Count; i++) candidates[i] = new RankingCandidate(ids[i], texts[i], labels[i]);
        return new InputList(new RankingQuery(context, candidates, scenario, task ?? _settings.Task, GroupOf(first)), rows);
    }

    private static string? NullIfBlank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private string GroupOf(RawRow row)
    {
        var cell = row.Cells[_group];
        if (cell.Kind is CellKind.Structured or CellKind.Boolean)
            throw Fail(row, _source.Columns[_group], $"holds {Describe(cell)}; a group ID is a text or a number.");
        if (string.IsNullOrWhiteSpace(cell.Text))
            throw Fail(row, _source.Columns[_group], GroupsByQuery
                ? "is empty: without a group column, the query names the list a row belongs to."
                : "is empty: every row needs the group (list) it belongs to.");
        return cell.Text.Trim();
    }

    private string? Text(RawRow row, int column, bool allowEmpty)
    {
        var cell = row.Cells[column];
        string name = _source.Columns[column];
        if (cell.Kind is CellKind.Structured or CellKind.Boolean)
            throw Fail(row, name, $"holds {Describe(cell)}; expected text.");
        if (!allowEmpty && string.IsNullOrWhiteSpace(cell.Text))
            throw Fail(row, name, "is empty; every candidate needs a text and, where there is an ID column, an ID.");
        return cell.Text ?? "";
    }

    private float? Label(RawRow row)
    {
        if (_label < 0) return null;
        var cell = row.Cells[_label];
        string name = _source.Columns[_label];
        if (cell.Kind is CellKind.Structured or CellKind.Boolean)
            throw Fail(row, name, $"holds {Describe(cell)}; expected a number (graded relevance 0..4).");
        if (string.IsNullOrWhiteSpace(cell.Text))
        {
            if (_settings.NeedLabels) throw Fail(row, name, "is empty; every row needs a label (graded relevance 0..4, higher is better).");
            return null;
        }
        if (!float.TryParse(cell.Text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out float label))
            throw Fail(row, name, $"'{Shorten(cell.Text)}' is not a number; expected graded relevance 0..4 (higher is better).");
        if (float.IsNaN(label))
        {
            if (_settings.NeedLabels) throw Fail(row, name, "is NaN; every row needs a label in 0..4.");
            return null;
        }
        if (_settings.NeedLabels && label is < 0 or > 4)
            throw Fail(row, name, $"{cell.Text.Trim()} is outside 0..4; use graded relevance 0 (not relevant) to 4 (best).");
        return label;
    }

    private int Required(string column, string flag)
    {
        int index = IndexOf(column);
        if (index < 0)
            throw new DataFileException(_source.File, _source.RowKind == "line" && _source is DelimitedRowSource ? 1 : null, column,
                $"no such column; the file has {string.Join(", ", _source.Columns.Select(c => $"'{c}'"))}. Name the column with {flag}.");
        return index;
    }

    private int IndexOf(string column)
    {
        for (int i = 0; i < _source.Columns.Count; i++)
            if (string.Equals(_source.Columns[i], column, StringComparison.Ordinal)) return i;
        return -1;
    }

    private DataFileException Fail(RawRow row, string column, string problem) => new(_source.File, row.Line, column, problem);

    private static string Describe(Cell cell) => cell.Kind switch
    {
        CellKind.Boolean => $"a true/false value ({cell.Text})",
        _ => $"a nested value ({Shorten(cell.Text ?? "")})",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}
