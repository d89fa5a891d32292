namespace IRanker.Cli.Data;

/// <summary>A data file read row by row, front to back, never whole: TSV/CSV, JSON lines or parquet.</summary>
internal interface IRowSource : IDisposable
{
    /// <summary>The file as the user named it, for messages.</summary>
    string File { get; }

    /// <summary>The column names (the header, the JSON properties seen in the first rows, the parquet schema).</summary>
    IReadOnlyList<string> Columns { get; }

    /// <summary>What a row number means in messages: <c>line</c> or <c>row</c>.</summary>
    string RowKind { get; }

    /// <summary>The rows, in file order; cells are aligned with <see cref="Columns"/>.</summary>
    IEnumerable<RawRow> Rows(CancellationToken cancellationToken);
}
