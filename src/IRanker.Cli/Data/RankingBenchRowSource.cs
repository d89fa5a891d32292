using System.Globalization;
using IRanker.Datasets;

namespace IRanker.Cli.Data;

/// <summary>
/// A file in Ranking-bench's own layout (one record per list: <c>problem</c>, <c>candidates</c>, <c>gt</c>, optional
/// <c>task_name</c>, <c>candidate_ids</c>, <c>labels</c>; parquet or JSON lines), read with IRanker.Datasets'
/// <see cref="RankingBenchLoader"/> and given as row-per-candidate rows with the default column names. The loader reads
/// the whole file, so such a file is held in memory; a row's number is its list's record number.
/// </summary>
internal sealed class RankingBenchRowSource : IRowSource
{
    private static readonly ColumnNames Names = new();

    public RankingBenchRowSource(string file) => File = file;

    /// <summary>Whether columns read from a file are Ranking-bench's layout rather than row-per-candidate columns.</summary>
    public static bool IsLayout(IReadOnlyList<string> columns) => columns.Contains("problem") && columns.Contains("candidates");

    public string File { get; }

    public IReadOnlyList<string> Columns { get; } = [Names.GroupId, Names.Query, Names.Candidate, Names.CandidateId, Names.Label, Names.Task];

    public string RowKind => "record";

    public IEnumerable<RawRow> Rows(CancellationToken cancellationToken)
    {
        IReadOnlyList<IRanker.Model.RankingQuery> queries;
        try
        {
            queries = RankingBenchLoader.LoadAsync(File, cancellationToken).GetAwaiter().GetResult();
        }
        catch (RankingBenchFormatException e)
        {
            throw new DataFileException(e.FilePath, e.Record, e.Field, $"(Ranking-bench layout) {e.Message}", e);
        }
        for (int q = 0; q < queries.Count; q++)
        {
            var query = queries[q];
            string group = (q + 1).ToString(CultureInfo.InvariantCulture);
            foreach (var candidate in query.Candidates)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return new RawRow(q + 1,
                [
                    new Cell(group, CellKind.Text), new Cell(query.Context, CellKind.Text), new Cell(candidate.Text, CellKind.Text),
                    new Cell(candidate.Id, CellKind.Text),
                    candidate.Label is { } label ? new Cell(label.ToString("R", CultureInfo.InvariantCulture), CellKind.Number) : Cell.Missing,
                    query.Task is null ? Cell.Missing : new Cell(query.Task, CellKind.Text),
                ]);
            }
        }
    }

    public void Dispose()
    {
    }
}
