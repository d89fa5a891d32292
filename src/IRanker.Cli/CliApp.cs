using System.CommandLine;
using System.CommandLine.Invocation;
using IRanker.Cli.Commands;

namespace IRanker.Cli;

/// <summary>The <c>iranker</c> command: its verbs, and how a command line runs (exit codes: <see cref="ExitCodes"/>).</summary>
internal static class CliApp
{
    /// <summary>The root command with every verb.</summary>
    public static RootCommand Build(CliIO io)
    {
        var root = new RootCommand("""
            iranker: train, evaluate, rank with and serve IRanker ranking models on your own files (TSV/CSV, JSON lines,
            parquet; one row per candidate). 'iranker VERB --help' shows each verb's flags and an example; docs/cli.md walks
            through them.
            """);
        root.Subcommands.Add(new TrainCommand().Create(io));
        root.Subcommands.Add(new EvaluateCommand().Create(io));
        root.Subcommands.Add(new RankCommand().Create(io));
        root.Subcommands.Add(new ServeCommand().Create(io));
        root.Subcommands.Add(new ConvertCommand().Create(io));
        root.Subcommands.Add(new InfoCommand().Create(io));
        return root;
    }

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments after <c>iranker</c>.</param>
    /// <param name="output">Standard output (default the console's).</param>
    /// <param name="error">Standard error (default the console's).</param>
    /// <param name="cancellationToken">Stops the command as Ctrl+C would.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null, CancellationToken cancellationToken = default)
    {
        var io = new CliIO(output ?? Console.Out, error ?? Console.Error);
        var root = Build(io);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            foreach (var problem in parse.Errors) io.Error.WriteLine($"iranker: {problem.Message}");
            io.Error.WriteLine("Run 'iranker --help' or 'iranker VERB --help' for the flags and an example.");
            return ExitCodes.Usage;
        }
        var configuration = new InvocationConfiguration
        {
            Output = io.Out,
            Error = io.Error,
            EnableDefaultExceptionHandler = false,
            // The server handles Ctrl+C itself (it drains requests); elsewhere the verb's cancellation token stops the
            // work between steps, and the process ends at most this long after.
            ProcessTerminationTimeout = parse.CommandResult.Command.Name == ServeCommand.Name || output is not null ? null : TimeSpan.FromSeconds(60),
        };
        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
