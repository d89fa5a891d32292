using IRanker.Model;

namespace IRanker.Cli.Data;

/// <summary>One list read from a data file: the query built from its rows, and the rows themselves (for writing them back with their ranks).</summary>
/// <param name="Query">The context, the candidates in row order (IDs, texts, labels), scenario and task; its <c>QueryId</c> is the group ID.</param>
/// <param name="Rows">The list's rows as read, in file order.</param>
internal sealed record InputList(RankingQuery Query, IReadOnlyList<RawRow> Rows);
