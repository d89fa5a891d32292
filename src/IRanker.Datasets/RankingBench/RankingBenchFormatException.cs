namespace IRanker.Datasets;

/// <summary>A ranking data file that does not have the expected layout; says which file, record and field.</summary>
/// <example>
/// <code>
/// try { RankingBenchLoader.Load("test.jsonl"); }
/// catch (RankingBenchFormatException e) { Console.WriteLine($"{e.FilePath} {e.RecordKind} {e.Record} {e.Field}: {e.Message}"); }
/// </code>
/// </example>
public sealed class RankingBenchFormatException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="filePath">The file.</param>
    /// <param name="recordKind"><c>line</c> (TSV, JSON lines), <c>record</c> (a JSON array) or <c>row</c> (parquet).</param>
    /// <param name="record">1-based line, record or row number.</param>
    /// <param name="field">The field, or null when the whole record is wrong.</param>
    /// <param name="problem">What is wrong, and where possible what was expected.</param>
    public RankingBenchFormatException(string filePath, string recordKind, long record, string? field, string problem)
        : base($"{filePath}, {recordKind} {record}{(field is null ? "" : $", field '{field}'")}: {problem}")
    {
        FilePath = filePath;
        RecordKind = recordKind;
        Record = record;
        Field = field;
    }

    /// <summary>The file.</summary>
    public string FilePath { get; }

    /// <summary><c>line</c>, <c>record</c> or <c>row</c>.</summary>
    public string RecordKind { get; }

    /// <summary>1-based line, record or row number.</summary>
    public long Record { get; }

    /// <summary>The field, or null.</summary>
    public string? Field { get; }
}
