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
}
