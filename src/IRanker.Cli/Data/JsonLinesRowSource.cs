using System.Globalization;
using System.Text;
using System.Text.Json;

namespace IRanker.Cli.Data;

/// <summary>
/// A JSON lines file: one JSON object per line, its properties the columns (named by the first object; a later object
/// may leave one out, which reads as missing, and its other properties are ignored). Blank lines are skipped.
/// </summary>
internal sealed class JsonLinesRowSource : IRowSource
{
    private readonly StreamReader _reader;
    private readonly Dictionary<string, int> _index;
    private (long Line, JsonDocument Document)? _first;
    private long _line;

    public JsonLinesRowSource(string file)
    {
        File = file;
        _reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        _first = ReadObject() ?? throw new DataFileException(file, null, null, "the file has no JSON object; write one object per line, its properties the columns.");
        Columns = _first.Value.Document.RootElement.EnumerateObject().Select(p => p.Name).Distinct(StringComparer.Ordinal).ToArray();
        _index = Columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
    }

    public string File { get; }

    public IReadOnlyList<string> Columns { get; }

    public string RowKind => "line";

    public IEnumerable<RawRow> Rows(CancellationToken cancellationToken)
    {
        while ((_first ?? ReadObject()) is { } next)
        {
            _first = null;
            cancellationToken.ThrowIfCancellationRequested();
            using var document = next.Document;
            var cells = new Cell[Columns.Count];
            Array.Fill(cells, Cell.Missing);
            foreach (var property in document.RootElement.EnumerateObject())
                if (_index.TryGetValue(property.Name, out int column)) cells[column] = ToCell(property.Value);
            yield return new RawRow(next.Line, cells);
        }
    }

    private static Cell ToCell(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => new Cell(value.GetString(), CellKind.Text),
        JsonValueKind.Number => new Cell(value.TryGetDouble(out double d) ? d.ToString("R", CultureInfo.InvariantCulture) : value.GetRawText(), CellKind.Number),
        JsonValueKind.True or JsonValueKind.False => new Cell(value.GetRawText(), CellKind.Boolean),
        JsonValueKind.Null or JsonValueKind.Undefined => Cell.Missing,
        _ => new Cell(value.GetRawText(), CellKind.Structured),
    };

    private (long Line, JsonDocument Document)? ReadObject()
    {
        while (_reader.ReadLine() is { } line)
        {
            _line++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new DataFileException(File, _line, null, $"not valid JSON at character {(e.BytePositionInLine ?? 0) + 1} ({e.Message.Split(" Path:")[0]}). Write one JSON object per line.", e);
            }
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new DataFileException(File, _line, null, "a JSON object ({\"GroupId\": ..., \"Query\": ...}) is expected on every line.");
            }
            return (_line, document);
        }
        return null;
    }

    public void Dispose()
    {
        _first?.Document.Dispose();
        _reader.Dispose();
    }
}
