using System.Diagnostics;

namespace IRanker.MLNet.Tests.Support;

/// <summary>Runs this test assembly as a separate process (see Program.cs): a model zip loaded there proves persistence.</summary>
internal static class HelperProcess
{
    public static (int ExitCode, string Output, string Errors) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(HelperProcess).Assembly.Location);
        foreach (string arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(TimeSpan.FromMinutes(3)).Should().BeTrue("the helper process finishes");
        return (process.ExitCode, output, errors.Result);
    }

    /// <summary>The scores a new process gives the rows of <paramref name="tsv"/> with the model zip <paramref name="zip"/>, one per line (round-trip format).</summary>
    public static string[] Scores(string zip, string tsv)
    {
        var (exitCode, output, errors) = Run("score", zip, tsv);
        exitCode.Should().Be(0, errors);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
