using IRanker.Quickstart;
using Spectre.Console;

// The main job: Ranking-bench-mini -> IRanker trained from scratch through ML.NET -> evaluation against
// baselines -> save, reload, compare. See docs/getting-started.md.
QuickstartSettings settings;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(QuickstartSettings.Usage);
        return 0;
    }
    settings = QuickstartSettings.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

try
{
    return new QuickstartRun(settings).Run();
}
catch (OperationCanceledException)
{
    AnsiConsole.MarkupLine("[yellow]Cancelled.[/]");
    return 130;
}
