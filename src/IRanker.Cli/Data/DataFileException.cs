namespace IRanker.Cli.Data;

/// <summary>
/// A data file that cannot be used, with where: the file, the line (for parquet the row, 1-based) and the column when one
/// is to blame. The message reads <c>FILE:LINE: column 'C': problem</c>.
/// </summary>
internal sealed class DataFileException : CliException
{
    public DataFileException(string file, long? line, string? column, string problem, Exception? inner = null)
        : base(ExitCodes.BadData, Format(file, line, column, problem), inner)
    {
        File = file;
        Line = line;
        Column = column;
    }

    /// <summary>The file, as the user named it.</summary>
    public string File { get; }

    /// <summary>The line (text formats) or row (parquet), 1-based; null for the file as a whole.</summary>
    public long? Line { get; }

    /// <summary>The column to blame, or null.</summary>
    public string? Column { get; }

    private static string Format(string file, long? line, string? column, string problem) =>
        $"{file}{(line is { } l ? $":{l}" : "")}: {(column is null ? "" : $"column '{column}': ")}{problem}";
}
