using System.Text.Json;

namespace IRanker.Benchmarks.Gpu;

/// <summary>
/// Collects the JSON line of every check: prints it with PASS or FAIL, appends it to the results file (flushed at once,
/// so that a run cut short keeps what it finished) and remembers whether anything failed.
/// </summary>
internal sealed class CheckResults
{
    private readonly string? file;

    public CheckResults(string? file)
    {
        this.file = file;
        if (file is not null) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
    }

    /// <summary>Whether any check reported so far failed.</summary>
    public bool AnyFailed { get; private set; }

    /// <summary>Reports one result: <paramref name="fields"/> gains "part" and "pass".</summary>
    public void Report(string part, bool pass, Dictionary<string, object?> fields)
    {
        var line = new Dictionary<string, object?> { ["part"] = part, ["pass"] = pass };
        foreach (var (key, value) in fields) line[key] = value;
        string json = JsonSerializer.Serialize(line);
        Console.WriteLine(json);
        Console.WriteLine($"{(pass ? "PASS" : "FAIL")} {part}{(fields.TryGetValue("case", out var c) ? " " + c : "")}");
        if (file is not null) File.AppendAllText(file, json + "\n");
        AnyFailed |= !pass;
    }

    /// <summary>Runs one part; an exception becomes a failed result that names it, and the next part still runs.</summary>
    public void Guard(string part, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine(e);
            Report(part, false, new() { ["error"] = $"{e.GetType().Name}: {e.Message}" });
        }
    }
}
