namespace IRanker.Cli.Data;

/// <summary>What a cell of a data file holds, as far as its format tells.</summary>
internal enum CellKind
{
    /// <summary>No value (a JSON null, a parquet null, a missing JSON property).</summary>
    Missing,
    /// <summary>Text of a format without types (TSV, CSV): whatever the column needs, if it parses.</summary>
    Untyped,
    /// <summary>A string.</summary>
    Text,
    /// <summary>A number.</summary>
    Number,
    /// <summary>A true/false value.</summary>
    Boolean,
    /// <summary>A JSON object or array, or a parquet nested value.</summary>
    Structured,
}

/// <summary>One cell: its value as text (numbers in the invariant culture) and what kind of value it was.</summary>
internal readonly record struct Cell(string? Text, CellKind Kind)
{
    public static readonly Cell Missing = new(null, CellKind.Missing);
}

/// <summary>One row of a data file: its line (or parquet row), 1-based, and its cells in the order of the file's columns.</summary>
internal sealed record RawRow(long Line, Cell[] Cells);
