namespace IRanker.Cli;

/// <summary>An error the user can fix: its message says what is wrong and what to do, and it ends the command with <see cref="ExitCode"/>.</summary>
internal class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>One of <see cref="ExitCodes"/>.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>A wrong command line or option (<see cref="ExitCodes.Usage"/>).</summary>
    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    /// <summary>A model that cannot be used (<see cref="ExitCodes.BadModel"/>).</summary>
    public static CliException Model(string message, Exception? inner = null) => new(ExitCodes.BadModel, message, inner);
}
