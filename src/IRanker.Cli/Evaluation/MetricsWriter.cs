using System.Globalization;
using System.Text;
using System.Text.Json;
using Spectre.Console;

namespace IRanker.Cli.Evaluation;

/// <summary>Writes evaluation rows as a table (for people), JSON or CSV (for scripts).</summary>
internal static class MetricsWriter
{
    /// <summary>The column headers, in order.</summary>
    public static IReadOnlyList<string> Headers { get; } =
        ["system", "task", "lists", .. SystemMetrics.NdcgCutoffs.Select(k => $"ndcg@{k}"), "mrr", .. SystemMetrics.HitCutoffs.Select(k => $"hit@{k}")];

    public static void WriteTable(IAnsiConsole console, IReadOnlyList<MetricsRow> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("Ranking metrics (×100)");
        foreach (var header in Headers) table.AddColumn(new TableColumn(header) { Alignment = header is "system" or "task" ? Justify.Left : Justify.Right });
        string? previousTask = null;
        foreach (var row in rows.OrderBy(r => r.Task == SystemMetrics.Overall ? 1 : 0).ThenBy(r => r.Task, StringComparer.Ordinal))
        {
            if (previousTask is not null && previousTask != row.Task) table.AddEmptyRow();
            previousTask = row.Task;
            table.AddRow([Markup.Escape(row.System), Markup.Escape(row.Task), row.Lists.ToString(CultureInfo.InvariantCulture),
                .. Values(row).Select(v => (v * 100).ToString("F2", CultureInfo.InvariantCulture))]);
        }
        console.Write(table);
    }

    public static string ToJson(IReadOnlyList<MetricsRow> rows)
    {
        var list = rows.Select(r =>
        {
            var item = new Dictionary<string, object> { ["system"] = r.System, ["task"] = r.Task, ["lists"] = r.Lists };
            var values = Values(r).ToArray();
            for (int i = 0; i < values.Length; i++) item[Headers[3 + i]] = Math.Round(values[i], 6);
            return item;
        });
        return JsonSerializer.Serialize(list, new JsonSerializerOptions { WriteIndented = true });
    }

    public static string ToCsv(IReadOnlyList<MetricsRow> rows)
    {
        var text = new StringBuilder().AppendJoin(',', Headers).Append('\n');
        foreach (var r in rows)
            text.AppendJoin(',', [Quote(r.System), Quote(r.Task), r.Lists.ToString(CultureInfo.InvariantCulture),
                .. Values(r).Select(v => v.ToString("R", CultureInfo.InvariantCulture))]).Append('\n');
        return text.ToString();
    }

    private static IEnumerable<double> Values(MetricsRow row) => [.. row.Ndcg, row.Mrr, .. row.Hit];

    private static string Quote(string text) => text.AsSpan().IndexOfAny(",\"\n\r") < 0 ? text : $"\"{text.Replace("\"", "\"\"")}\"";
}
