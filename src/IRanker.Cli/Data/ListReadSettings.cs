using IRanker.Model;

namespace IRanker.Cli.Data;

/// <summary>How rows become lists.</summary>
/// <param name="Columns">The column names.</param>
/// <param name="NeedLabels">Whether every row needs a label in 0..4 (train, evaluate) or labels are optional (rank).</param>
/// <param name="Scenario">The scenario of lists whose task names none (the model's, or <c>--scenario</c>).</param>
/// <param name="Task">The task of lists without a task column value.</param>
internal sealed record ListReadSettings(ColumnNames Columns, bool NeedLabels, RankingScenario Scenario = RankingScenario.Generic, string? Task = null);
