using System.Globalization;
using IRanker.Quickstart.Evaluation;
using Spectre.Console;

namespace IRanker.Quickstart.Reporting;

/// <summary>Prints every method's metrics per task as one table, the best MRR of each task in bold.</summary>
internal static class ResultTable
{
    /// <param name="metrics">Every method's metrics per task.</param>
    /// <param name="methods">The columns, in order.</param>
    /// <param name="tasks">The rows, in order.</param>
    /// <param name="heldOut">Tasks to mark with <paramref name="mark"/> (held out of a model's training).</param>
    /// <param name="mark">The mark.</param>
    public static void Print(IReadOnlyList<TaskMetrics> metrics, IReadOnlyList<string> methods, IReadOnlyList<string> tasks, IReadOnlySet<string> heldOut, string mark)
    {
        // Redirected output defaults to 80 columns; the table needs more to keep one line per task.
        if (Console.IsOutputRedirected) AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 40 + 26 * methods.Count);
        var table = new Table().Border(TableBorder.Rounded)
            .Title("[bold]Test split, x100: MRR | NDCG@1/@3/@5/@10 (mlContext.Ranking.Evaluate) | Hit@1[/]");
        table.AddColumn("task");
        foreach (var m in methods) table.AddColumn(new TableColumn(Markup.Escape(m)).RightAligned());
        foreach (var task in tasks)
        {
            var row = metrics.Where(x => x.Task == task).ToList();
            double best = row.Max(x => x.Mrr);
            var cells = new List<string> { $"{Markup.Escape(task)}{(heldOut.Contains(task) ? " " + mark : "")} ({row[0].Lists})" };
            foreach (var m in methods)
            {
                var x = row.Single(r => r.Method == m);
                string mrr = F(x.Mrr);
                cells.Add($"{(x.Mrr >= best - 1e-9 ? $"[bold green]{mrr}[/]" : mrr)} | {I(x.Ndcg1)}/{I(x.Ndcg3)}/{I(x.Ndcg5)}/{I(x.Ndcg10)} | {I(x.Hit1)}");
            }
            table.AddRow(cells.ToArray());
        }
        var mean = new List<string> { "[bold]mean MRR[/]" };
        foreach (var m in methods) mean.Add(F(metrics.Where(x => x.Method == m).Average(x => x.Mrr)));
        table.AddRow(mean.ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>The same numbers as a Markdown table (for docs/benchmarks.md).</summary>
    public static string ToMarkdown(IReadOnlyList<TaskMetrics> metrics, IReadOnlyList<string> methods, IReadOnlyList<string> tasks, IReadOnlySet<string> heldOut, string mark)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("MRR x100 per task (NDCG@10 x100 from `mlContext.Ranking.Evaluate` in brackets); the best MRR of each task in bold:");
        sb.AppendLine();
        sb.AppendLine("| task | " + string.Join(" | ", methods) + " |");
        sb.AppendLine("|---|" + string.Concat(methods.Select(_ => "---|")));
        foreach (var task in tasks)
        {
            var row = metrics.Where(x => x.Task == task).ToList();
            double best = row.Max(x => x.Mrr);
            sb.Append($"| {task}{(heldOut.Contains(task) ? " " + mark : "")} |");
            foreach (var m in methods)
            {
                var x = row.Single(r => r.Method == m);
                string cell = $"{F(x.Mrr)} ({F(x.Ndcg10)})";
                sb.Append(x.Mrr >= best - 1e-9 ? $" **{cell}** |" : $" {cell} |");
            }
            sb.AppendLine();
        }
        sb.Append("| mean MRR |");
        foreach (var m in methods) sb.Append($" {F(metrics.Where(x => x.Method == m).Average(x => x.Mrr))} |");
        sb.AppendLine();
        if (heldOut.Count > 0) sb.AppendLine($"\n{mark} held out of IRanker-mini's ranking training: its zero-shot column is zero-shot there.");
        return sb.ToString();
    }

    private static string F(double v) => (100 * v).ToString("0.0", CultureInfo.InvariantCulture);

    private static string I(double v) => (100 * v).ToString("0", CultureInfo.InvariantCulture);
}
