namespace IRanker.Cli.Data;

/// <summary>The file formats the command reads and writes, told by the file's extension (or <c>--format</c>).</summary>
internal enum DataFormat
{
    /// <summary>Tab-separated, a header line, <c>\t \n \r \\</c> escapes (<c>.tsv</c>, <c>.tab</c>, <c>.txt</c>).</summary>
    Tsv,
    /// <summary>Comma-separated, a header line, RFC 4180 quoting (<c>.csv</c>).</summary>
    Csv,
    /// <summary>One JSON object per line (<c>.jsonl</c>, <c>.ndjson</c>, <c>.json</c>).</summary>
    JsonLines,
    /// <summary>Apache Parquet (<c>.parquet</c>).</summary>
    Parquet,
}

/// <summary>Tells a file's <see cref="DataFormat"/> and opens it.</summary>
internal static class DataFormats
{
    /// <summary>The format of <paramref name="path"/> by its extension.</summary>
    /// <exception cref="DataFileException">The extension is none of the known ones.</exception>
    public static DataFormat Of(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".tsv" or ".tab" or ".txt" => DataFormat.Tsv,
        ".csv" => DataFormat.Csv,
        ".jsonl" or ".ndjson" or ".json" => DataFormat.JsonLines,
        ".parquet" => DataFormat.Parquet,
        var other => throw new DataFileException(path, null, null,
            $"cannot tell the format from the extension '{other}': use .tsv, .csv, .jsonl or .parquet."),
    };

    /// <summary>Opens <paramref name="path"/> for reading row by row; a parquet or JSON lines file in Ranking-bench's own layout is recognised by its columns.</summary>
    /// <exception cref="DataFileException">The file does not exist, or its start is not of its format.</exception>
    public static IRowSource Open(string path)
    {
        if (Directory.Exists(path)) throw new DataFileException(path, null, null, "is a folder; give a data file (.tsv, .csv, .jsonl or .parquet).");
        if (!File.Exists(path)) throw new DataFileException(path, null, null, "no such file.");
        try
        {
            IRowSource source = Of(path) switch
            {
                DataFormat.Tsv => new DelimitedRowSource(path, csv: false),
                DataFormat.Csv => new DelimitedRowSource(path, csv: true),
                DataFormat.JsonLines => new JsonLinesRowSource(path),
                _ => new ParquetRowSource(path),
            };
            if (source is not DelimitedRowSource && RankingBenchRowSource.IsLayout(source is ParquetRowSource parquet ? parquet.TopLevelNames : source.Columns))
            {
                source.Dispose();
                return new RankingBenchRowSource(path);
            }
            return source;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new DataFileException(path, null, null, $"cannot be read ({e.Message}).", e);
        }
    }
}
