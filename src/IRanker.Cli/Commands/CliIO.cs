using Spectre.Console;

namespace IRanker.Cli.Commands;

/// <summary>Where a command writes: results and progress to <see cref="Out"/> (through <see cref="Console"/>), errors to <see cref="Error"/>.</summary>
internal sealed class CliIO
{
    public CliIO(TextWriter output, TextWriter error)
    {
        Out = output;
        Error = error;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.Detect,
            ColorSystem = ColorSystemSupport.Detect,
            Interactive = InteractionSupport.Detect,
        });
        // A log or a pipe has no width of its own: wide enough for the metrics table.
        if (!ReferenceEquals(output, System.Console.Out) || System.Console.IsOutputRedirected) Console.Profile.Width = 160;
    }

    /// <summary>Standard output.</summary>
    public TextWriter Out { get; }

    /// <summary>Standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Tables, markup and progress on <see cref="Out"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Whether progress can be drawn in place (a terminal), rather than written as lines.</summary>
    public bool Interactive => Console.Profile.Capabilities.Interactive;

    /// <summary>A line of information, as it is (never wrapped).</summary>
    public void Info(string text) => Out.WriteLine(text);
}
