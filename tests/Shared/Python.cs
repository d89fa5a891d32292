using System.Diagnostics;

namespace IRanker.Tests.Shared;

/// <summary>
/// Runs the machine's python3 (standard library only), which verl's side of the project is written for. One file,
/// linked into each test project that runs a python script.
/// </summary>
internal static class Python
{
    /// <summary>Runs <paramref name="script"/> with <paramref name="input"/> on standard input; returns standard output, or fails the test.</summary>
    public static string Run(string script, string input, params string[] arguments) => Run(script, input, TimeSpan.FromMinutes(2), arguments);

    /// <summary>The same, failing the test when the script runs longer than <paramref name="timeout"/>.</summary>
    public static string Run(string script, string input, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new System.Text.UTF8Encoding(false),
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"python3 is needed for this test and was not found on PATH ({e.Message}). Install Python 3 (Debian: apt-get install python3); only its standard library is used.");
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            process.StandardInput.Write(input);
            process.StandardInput.Close();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"python3 {script} did not finish in {timeout.TotalMinutes:0.#} minutes.");
            }
            if (process.ExitCode != 0) Assert.Fail($"python3 {script} exited {process.ExitCode}:\n{error.Result}");
            return output.Result;
        }
    }
}
