using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace IRanker.Cli.Data;

/// <summary>
/// A parquet file whose top-level columns are the row-per-candidate columns (strings and numbers), read one row group at
/// a time, so a file larger than memory streams when it was written in several row groups. Rows are numbered from 1 in
/// messages.
/// </summary>
internal sealed class ParquetRowSource : IRowSource
{
    private readonly Stream _stream;
    private readonly ParquetReader _reader;
    private readonly DataField[] _fields;

    public ParquetRowSource(string file)
    {
        File = file;
        _stream = System.IO.File.OpenRead(file);
        try
        {
            _reader = ParquetReader.CreateAsync(_stream).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or NotSupportedException or InvalidOperationException or ArgumentException or ApplicationException)
        {
            _stream.Dispose();
            throw new DataFileException(file, null, null, $"not a readable parquet file ({e.Message}).", e);
        }
        _fields = _reader.Schema.Fields.OfType<DataField>().ToArray();
        Columns = _fields.Select(f => f.Name).ToArray();
        TopLevelNames = _reader.Schema.Fields.Select(f => f.Name).ToArray();
    }

    /// <summary>Every top-level field's name, lists and structures included (only plain fields are <see cref="Columns"/>).</summary>
    public IReadOnlyList<string> TopLevelNames { get; }

    public string File { get; }

    public IReadOnlyList<string> Columns { get; }

    public string RowKind => "row";

    public IEnumerable<RawRow> Rows(CancellationToken cancellationToken)
    {
        long rowNumber = 0;
        for (int group = 0; group < _reader.RowGroupCount; group++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Cell[][] columns;
            int count;
            using (var rowGroup = _reader.OpenRowGroupReader(group))
            {
                count = checked((int)rowGroup.RowCount);
                columns = new Cell[_fields.Length][];
                for (int c = 0; c < _fields.Length; c++)
                    columns[c] = ReadColumn(rowGroup, _fields[c], count).GetAwaiter().GetResult();
            }
            for (int r = 0; r < count; r++)
            {
                var cells = new Cell[_fields.Length];
                for (int c = 0; c < cells.Length; c++) cells[c] = columns[c][r];
                yield return new RawRow(++rowNumber, cells);
            }
        }
    }

    private async Task<Cell[]> ReadColumn(ParquetRowGroupReader rowGroup, DataField field, int count)
    {
        if (field.IsArray || field.MaxRepetitionLevel > 0)
        {
            var structured = new Cell[count];
            Array.Fill(structured, new Cell("(list)", CellKind.Structured));
            return structured;
        }
        var type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await rowGroup.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
            return values.Select(v => v is null ? Cell.Missing : new Cell(v, CellKind.Text)).ToArray();
        }
        if (type == typeof(bool)) return await Read<bool>(rowGroup, field, count, v => v ? "true" : "false", CellKind.Boolean).ConfigureAwait(false);
        if (type == typeof(int)) return await Read<int>(rowGroup, field, count, v => v.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (type == typeof(long)) return await Read<long>(rowGroup, field, count, v => v.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (type == typeof(uint)) return await Read<uint>(rowGroup, field, count, v => v.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (type == typeof(ulong)) return await Read<ulong>(rowGroup, field, count, v => v.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (type == typeof(short)) return await Read<short>(rowGroup, field, count, v => v.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (type == typeof(float)) return await Read<float>(rowGroup, field, count, v => v.ToString("R", CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (type == typeof(double)) return await Read<double>(rowGroup, field, count, v => v.ToString("R", CultureInfo.InvariantCulture)).ConfigureAwait(false);
        if (type == typeof(decimal)) return await Read<decimal>(rowGroup, field, count, v => v.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        var other = new Cell[count];
        Array.Fill(other, new Cell($"({type.Name})", CellKind.Structured));
        return other;
    }

    private static async Task<Cell[]> Read<T>(ParquetRowGroupReader rowGroup, DataField field, int count, Func<T, string> format, CellKind kind = CellKind.Number)
        where T : struct
    {
        var cells = new Cell[count];
        if (field.IsNullable)
        {
            var values = new T?[count];
            await rowGroup.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
            for (int i = 0; i < count; i++) cells[i] = values[i] is { } v ? new Cell(format(v), kind) : Cell.Missing;
        }
        else
        {
            var values = new T[count];
            await rowGroup.ReadAsync(field, values.AsMemory()).ConfigureAwait(false);
            for (int i = 0; i < count; i++) cells[i] = new Cell(format(values[i]), kind);
        }
        return cells;
    }

    public void Dispose()
    {
        _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _stream.Dispose();
    }
}
