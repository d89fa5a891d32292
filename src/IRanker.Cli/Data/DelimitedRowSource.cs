using System.Text;
using IRanker.Datasets;

namespace IRanker.Cli.Data;

/// <summary>
/// A TSV or CSV file with a header line. TSV fields are split at tabs and unescaped as <see cref="RankingTsv"/> writes
/// them (<c>\t</c>, <c>\n</c>, <c>\r</c>, <c>\\</c>); CSV fields follow RFC 4180 (a field in double quotes may hold commas,
/// line breaks and doubled quotes). Blank lines are skipped. Read one record at a time.
/// </summary>
internal sealed class DelimitedRowSource : IRowSource
{
    private readonly StreamReader _reader;
    private readonly bool _csv;
    private long _line;   // the last line read

    public DelimitedRowSource(string file, bool csv)
    {
        File = file;
        _csv = csv;
        _reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var header = ReadRecord() ?? throw new DataFileException(file, 1, null, "the file is empty; it must start with a header line naming the columns.");
        Columns = header.Fields.Select(f => f.Trim()).ToArray();
        var duplicate = Columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DataFileException(file, header.Line, duplicate.Key, "the header names this column twice.");
    }

    public string File { get; }

    public IReadOnlyList<string> Columns { get; }

    public string RowKind => "line";

    public IEnumerable<RawRow> Rows(CancellationToken cancellationToken)
    {
        while (ReadRecord() is { } record)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (record.Fields.Count != Columns.Count)
                throw new DataFileException(File, record.Line, null,
                    $"{record.Fields.Count} {(_csv ? "comma" : "tab")}-separated fields, but the header has {Columns.Count} columns ({string.Join(", ", Columns)}).");
            var cells = new Cell[record.Fields.Count];
            for (int i = 0; i < cells.Length; i++) cells[i] = new Cell(record.Fields[i], CellKind.Untyped);
            yield return new RawRow(record.Line, cells);
        }
    }

    private sealed record Record(long Line, List<string> Fields);

    // The next non-blank record, or null at the end of the file.
    private Record? ReadRecord()
    {
        while (true)
        {
            string? line = _reader.ReadLine();
            if (line is null) return null;
            _line++;
            if (line.Length == 0 || (line.Length == 1 && line[0] == '\r')) continue;
            long start = _line;
            if (line.EndsWith('\r')) line = line[..^1];
            return _csv ? new Record(start, SplitCsv(line, start)) : new Record(start, line.Split('\t').Select(RankingTsv.Unescape).ToList());
        }
    }

    private List<string> SplitCsv(string line, long start)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        // A quoted field that goes on at the next line.
                        string? next = _reader.ReadLine();
                        if (next is null) throw new DataFileException(File, start, null, "a quoted field is not closed before the end of the file.");
                        _line++;
                        field.Append('\n');
                        line = next.EndsWith('\r') ? next[..^1] : next;
                        i = 0;
                        continue;
                    }
                    char c = line[i++];
                    if (c != '"') { field.Append(c); continue; }
                    if (i < line.Length && line[i] == '"') { field.Append('"'); i++; continue; }
                    break;
                }
                if (i < line.Length && line[i] != ',')
                    throw new DataFileException(File, _line, null, $"field {fields.Count + 1}: text after a closing quote; double a quote inside a quoted field (\"\").");
            }
            else
            {
                int comma = line.IndexOf(',', i);
                int end = comma < 0 ? line.Length : comma;
                field.Append(line, i, end - i);
                i = end;
            }
            fields.Add(field.ToString());
            if (i >= line.Length) return fields;
            i++;   // the comma
            if (i == line.Length)
            {
                fields.Add("");
                return fields;
            }
        }
    }

    public void Dispose() => _reader.Dispose();
}
