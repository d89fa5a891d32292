using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace IRanker.Benchmarks;

/// <summary>Finds docs/benchmarks.md, describes the machine, and replaces one "## title" section in place.</summary>
internal static class BenchmarkReport
{
    internal static string DocsPath(string[] args)
    {
        int at = Array.IndexOf(args, "--docs");
        if (at >= 0 && at + 1 < args.Length) return Path.GetFullPath(args[at + 1]);
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "IRanker.MLNet.sln"))) return Path.Combine(dir.FullName, "docs", "benchmarks.md");
        return Path.GetFullPath(Path.Combine("docs", "benchmarks.md"));
    }

    /// <summary>CPU model name and logical core count (from lscpu where available).</summary>
    internal static string Machine()
    {
        string model = "unknown CPU";
        try
        {
            using var process = Process.Start(new ProcessStartInfo("lscpu") { RedirectStandardOutput = true, UseShellExecute = false });
            if (process is not null)
            {
                var output = process.StandardOutput.ReadToEnd();
                process.WaitForExit();
                var match = Regex.Match(output, @"^Model name:\s*(.+)$", RegexOptions.Multiline);
                if (match.Success) model = match.Groups[1].Value.Trim();
            }
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // lscpu is absent (not Linux): the core count alone is reported.
        }
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "n/a";
        return $"{model}, {Environment.ProcessorCount} logical cores available to the process, 1-minute load average at start {load} (a load above the core count means shared cores and lower numbers)";
    }

    internal static void WriteSection(string path, string title, string body)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Benchmarks\n\nMeasured results; each section is rewritten by the benchmark program that made it.\n";
        var heading = $"## {title}";
        var section = new StringBuilder().Append(heading).Append("\n\n").Append(body.TrimEnd()).Append("\n\n").ToString();
        int start = text.IndexOf(heading + "\n", StringComparison.Ordinal);
        if (start < 0)
        {
            text = text.TrimEnd() + "\n\n" + section;
        }
        else
        {
            int next = text.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
            text = text[..start] + section + (next < 0 ? "" : text[(next + 1)..]);
        }
        var temp = path + ".tmp";
        File.WriteAllText(temp, text.TrimEnd() + "\n");
        File.Move(temp, path, overwrite: true);
    }
}
