namespace IRanker.Cli.Tests.Support;

/// <summary>Runs the <c>iranker</c> command in this process, capturing what it writes.</summary>
internal static class Command
{
    public sealed record Result(int ExitCode, string Out, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- out ---\n{Out}\n--- error ---\n{Error}";
    }

    public static Result Run(params string[] args) => RunAsync(args, CancellationToken.None).GetAwaiter().GetResult();

    public static async Task<Result> RunAsync(string[] args, CancellationToken cancellationToken, TextWriter? output = null)
    {
        var captured = output ?? new StringWriter();
        var error = new StringWriter();
        int code = await CliApp.RunAsync(args, captured, error, cancellationToken);
        return new Result(code, captured.ToString() ?? "", error.ToString());
    }
}
