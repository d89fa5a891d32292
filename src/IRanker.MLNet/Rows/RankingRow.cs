using Microsoft.ML.Data;

namespace IRanker.MLNet.Rows;

/// <summary>
/// One candidate of one list, as a row that ML.NET loads: the row-per-candidate layout of the TSV files that
/// <c>RankingTsv</c> (IRanker.Datasets package) writes (columns in this order, header
/// <c>GroupId	Query	Candidate	CandidateId	Label	Task</c>).
/// </summary>
/// <remarks>
/// Rows of one list share a <see cref="GroupId"/> and are consecutive. Rows in memory come from
/// <see cref="RankingRows.FromQueries"/> and go into ML.NET with <c>mlContext.Data.LoadFromEnumerable</c>.
/// </remarks>
/// <example>
/// <code>
/// IDataView rows = mlContext.Data.LoadFromTextFile&lt;RankingRow&gt;("train.tsv", separatorChar: '\t', hasHeader: true, allowQuoting: false);
/// </code>
/// </example>
public sealed class RankingRow
{
    /// <summary>The list this candidate belongs to (1-based position of the list in its file).</summary>
    [LoadColumn(0)]
    public uint GroupId { get; set; }

    /// <summary>The list's context: the history (one item per line), the request, or the search query.</summary>
    [LoadColumn(1)]
    public string Query { get; set; } = "";

    /// <summary>The candidate's text.</summary>
    [LoadColumn(2)]
    public string Candidate { get; set; } = "";

    /// <summary>The candidate's ID: a title, an LLM name, <c>passage 3</c>.</summary>
    [LoadColumn(3)]
    public string CandidateId { get; set; } = "";

    /// <summary>Graded relevance, higher is better (NaN where unknown).</summary>
    [LoadColumn(4)]
    public float Label { get; set; }

    /// <summary>The task, e.g. <c>Movie</c>; empty where unknown.</summary>
    [LoadColumn(5)]
    public string Task { get; set; } = "";
}
