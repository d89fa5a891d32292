namespace IRanker.Cli.Data;

/// <summary>
/// The names of the columns of a row-per-candidate file (one row per candidate; the rows of a list share a group ID and
/// are consecutive). The defaults are the library's (<c>RankingRow</c>): <c>GroupId</c>, <c>Query</c>, <c>Candidate</c>,
/// <c>CandidateId</c>, <c>Label</c>, <c>Task</c>.
/// </summary>
/// <param name="GroupId">The list a row belongs to (text or a number). Required.</param>
/// <param name="Query">The list's context: the same text on every row of a list. Required.</param>
/// <param name="Candidate">The candidate's text. Required.</param>
/// <param name="CandidateId">The name the model sees and answers with; optional (then IDs are generated as the library does).</param>
/// <param name="Label">Graded relevance 0..4, higher is better; required to train and evaluate, optional to rank.</param>
/// <param name="Task">Each list's task (<c>Movie</c>, <c>Passage-5</c>, a scenario name); optional.</param>
internal sealed record ColumnNames(
    string GroupId = "GroupId",
    string Query = "Query",
    string Candidate = "Candidate",
    string CandidateId = "CandidateId",
    string Label = "Label",
    string Task = "Task");
