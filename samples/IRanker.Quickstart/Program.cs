using System.CommandLine;
using IRanker.Quickstart;
using Spectre.Console;

// The main job: Ranking-bench-mini -> IRanker trained from scratch through ML.NET -> evaluation against
// baselines -> save, reload, compare. See docs/getting-started.md.
var parsed = new QuickstartCommand(settings => new QuickstartRun(settings).Run()).Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("Run with --help for the options.");
    return 2;
}

try
{
    // --help, or the quickstart; its exceptions are not System.CommandLine's to report.
    return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (OperationCanceledException)
{
    AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
    return 130;
}
