using System.Globalization;
using System.Text;
using System.Text.Json;
using IRanker.Cli.Data;
using IRanker.Datasets;
using Parquet;
using Parquet.Schema;

namespace IRanker.Cli.Output;

/// <summary>
/// Writes ranked rows: every input column as read, then a rank (1 = best in its group; column <c>Rank</c> by default) and a relevance (<c>Relevance</c>) (the
/// model's probability that the row is the best of its group). The format follows the output file's extension; rows are
/// written as their groups are ranked (parquet: a row group every <see cref="ParquetRowGroupRows"/> rows), so memory does
/// not grow with the file.
/// </summary>
internal sealed class RankedRowWriter : IAsyncDisposable
{
    /// <summary>The default names of the added columns.</summary>
    public const string DefaultRankColumn = "Rank", DefaultRelevanceColumn = "Relevance";

    /// <summary>Rows per parquet row group.</summary>
    public const int ParquetRowGroupRows = 10_000;

    private readonly string _rankColumn, _relevanceColumn;
    private readonly DataFormat _format;
    private readonly IReadOnlyList<string> _columns;
    private readonly Stream _stream;
    private readonly StreamWriter? _text;
    private ParquetWriter? _parquet;
    private readonly List<(RawRow Row, int Rank, float Relevance)> _pending = [];

    public RankedRowWriter(string path, IReadOnlyList<string> inputColumns, string rankColumn = DefaultRankColumn, string relevanceColumn = DefaultRelevanceColumn)
    {
        _rankColumn = rankColumn;
        _relevanceColumn = relevanceColumn;
        _format = DataFormats.Of(path);
        foreach (var added in new[] { _rankColumn, _relevanceColumn })
            if (inputColumns.Contains(added, StringComparer.Ordinal))
                throw new DataFileException(path, null, added, $"the input already has a column '{added}', which the ranking adds; name the added columns with --rank-column and --relevance-column.");
        _columns = inputColumns;
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        _stream = File.Create(path);
        if (_format != DataFormat.Parquet)
        {
            _text = new StreamWriter(_stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16) { NewLine = "\n" };
            if (_format is DataFormat.Tsv) _text.WriteLine(string.Join('\t', [.. _columns.Select(RankingTsv.Escape), _rankColumn, _relevanceColumn]));
            if (_format is DataFormat.Csv) _text.WriteLine(string.Join(',', [.. _columns.Select(Csv), _rankColumn, _relevanceColumn]));
        }
    }

    /// <summary>Writes one ranked list's rows in input order.</summary>
    /// <param name="rows">The list's rows.</param>
    /// <param name="order">Candidate indices, best first.</param>
    /// <param name="relevance">Each candidate's relevance.</param>
    public async Task WriteAsync(IReadOnlyList<RawRow> rows, IReadOnlyList<int> order, IReadOnlyList<float> relevance)
    {
        var rank = new int[rows.Count];
        for (int place = 0; place < order.Count; place++) rank[order[place]] = place + 1;
        for (int i = 0; i < rows.Count; i++)
        {
            if (_text is null) _pending.Add((rows[i], rank[i], relevance[i]));
            else _text.WriteLine(Line(rows[i], rank[i], relevance[i]));
        }
        if (_pending.Count >= ParquetRowGroupRows) await FlushParquetAsync().ConfigureAwait(false);
    }

    private string Line(RawRow row, int rank, float relevance)
    {
        string r = rank.ToString(CultureInfo.InvariantCulture), p = relevance.ToString("R", CultureInfo.InvariantCulture);
        return _format switch
        {
            DataFormat.Tsv => string.Join('\t', [.. row.Cells.Select(c => RankingTsv.Escape(c.Text ?? "")), r, p]),
            DataFormat.Csv => string.Join(',', [.. row.Cells.Select(c => Csv(c.Text ?? "")), r, p]),
            _ => JsonLine(row, rank, relevance),
        };
    }

    private string JsonLine(RawRow row, int rank, float relevance)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            for (int c = 0; c < _columns.Count; c++)
            {
                var cell = row.Cells[c];
                json.WritePropertyName(_columns[c]);
                switch (cell.Kind)
                {
                    case CellKind.Missing: json.WriteNullValue(); break;
                    case CellKind.Number or CellKind.Boolean: json.WriteRawValue(cell.Text!); break;
                    case CellKind.Structured when IsJson(cell.Text!): json.WriteRawValue(cell.Text!); break;
                    default: json.WriteStringValue(cell.Text); break;
                }
            }
            json.WriteNumber(_rankColumn, rank);
            json.WriteNumber(_relevanceColumn, relevance);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private async Task FlushParquetAsync()
    {
        if (_pending.Count == 0) return;
        var textFields = _columns.Select(c => new DataField<string>(c, true)).ToArray();
        var rankField = new DataField<int>(_rankColumn);
        var relevanceField = new DataField<float>(_relevanceColumn);
        _parquet ??= await ParquetWriter.CreateAsync(new ParquetSchema([.. textFields, rankField, relevanceField]), _stream).ConfigureAwait(false);
        using (var group = _parquet.CreateRowGroup())
        {
            for (int c = 0; c < textFields.Length; c++)
                await group.WriteAsync(textFields[c], _pending.Select(p => p.Row.Cells[c].Text).ToArray()).ConfigureAwait(false);
            await group.WriteAsync(rankField, new ReadOnlyMemory<int>(_pending.Select(p => p.Rank).ToArray())).ConfigureAwait(false);
            await group.WriteAsync(relevanceField, new ReadOnlyMemory<float>(_pending.Select(p => p.Relevance).ToArray())).ConfigureAwait(false);
        }
        _pending.Clear();
    }

    private static string Csv(string text) => text.AsSpan().IndexOfAny(",\"\n\r") < 0 ? text : $"\"{text.Replace("\"", "\"\"")}\"";

    public async ValueTask DisposeAsync()
    {
        if (_text is not null)
        {
            await _text.DisposeAsync().ConfigureAwait(false);
            return;
        }
        await FlushParquetAsync().ConfigureAwait(false);
        if (_parquet is not null) await _parquet.DisposeAsync().ConfigureAwait(false);
        else
        {
            // No rows: still a valid parquet file with the columns.
            _parquet = await ParquetWriter.CreateAsync(new ParquetSchema([.. _columns.Select(c => new DataField<string>(c, true)), new DataField<int>(_rankColumn), new DataField<float>(_relevanceColumn)]), _stream).ConfigureAwait(false);
            await _parquet.DisposeAsync().ConfigureAwait(false);
        }
        await _stream.DisposeAsync().ConfigureAwait(false);
    }
}
