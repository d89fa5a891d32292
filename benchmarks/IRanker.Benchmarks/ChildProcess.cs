using System.Diagnostics;
using System.Globalization;

namespace IRanker.Benchmarks;

/// <summary>
/// Runs one measurement of this program in a process of its own, so that its peak resident memory (VmHWM) and its CPU
/// times are its own; the child prints one line <c>RESULT key=value;…</c> that the parent reads.
/// </summary>
internal static class ChildProcess
{
    public const string ResultPrefix = "RESULT ";

    /// <summary>Starts this program with <paramref name="args"/> and the extra environment; returns the child's result fields.</summary>
    public static Dictionary<string, string> Run(IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") start.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        string? result = null;
        while (process.StandardOutput.ReadLine() is { } line)
        {
            if (line.StartsWith(ResultPrefix, StringComparison.Ordinal)) result = line[ResultPrefix.Length..];
            else Console.WriteLine("  | " + line);
        }
        process.WaitForExit();
        if (result is null) throw new InvalidOperationException($"The child measurement {string.Join(' ', args)} exited with {process.ExitCode} and no result.");
        return result.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(f => f.Split('=', 2)).ToDictionary(f => f[0], f => f[1]);
    }

    /// <summary>Prints the result line: the given fields plus wall seconds, user and system CPU seconds and peak RSS (MiB).</summary>
    public static void Report(Stopwatch clock, IEnumerable<(string Key, string Value)> fields)
    {
        var self = Process.GetCurrentProcess();
        self.Refresh();
        var all = fields.Concat(
        [
            ("wall_s", clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)),
            ("user_s", self.UserProcessorTime.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)),
            ("system_s", self.PrivilegedProcessorTime.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)),
            ("peak_rss_mib", (PeakResidentBytes() / 1048576.0).ToString("F0", CultureInfo.InvariantCulture)),
        ]);
        Console.WriteLine(ResultPrefix + string.Join(';', all.Select(f => $"{f.Item1}={f.Item2.Replace(';', ',').Replace('\n', ' ')}")));
    }

    /// <summary>The process's peak resident set (VmHWM in /proc/self/status), in bytes.</summary>
    public static long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
