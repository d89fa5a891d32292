namespace IRanker.Cli;

/// <summary>The exit codes of the <c>iranker</c> command (docs/cli.md, "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>An unexpected failure (a bug, or the machine: out of memory, disk full); the message says what.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: an unknown verb, flag or option name, a value of the wrong type, a missing argument.</summary>
    public const int Usage = 2;

    /// <summary>A data file is wrong: missing, unreadable, a missing column, a value of the wrong type, an empty group, duplicate candidate IDs.</summary>
    public const int BadData = 3;

    /// <summary>A model cannot be used: missing, damaged, not an IRanker model, or options that do not fit it.</summary>
    public const int BadModel = 4;

    /// <summary>Stopped by Ctrl+C (SIGINT) or SIGTERM; what was written before (checkpoints, the ranked rows so far) is kept.</summary>
    public const int Cancelled = 130;
}
