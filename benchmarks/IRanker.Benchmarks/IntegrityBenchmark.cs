using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using IRanker.MLNet;
using IRanker.Model;
using IRanker.Model.Modeling;
using IRanker.Model.Prompts;
using Microsoft.ML;

namespace IRanker.Benchmarks;

/// <summary>
/// What the model zip's SHA-256 digests cost and catch: <c>mlContext.Model.Load</c> time of a zip with digests (format
/// 1.2, checked) against the same zip without them (format 1.1, not checked), for the quickstart's model and for a model
/// of Qwen2.5-0.5B's shape (random weights); and single-bit flips in the stored weights of the quickstart's zip, counted
/// by what loading them does.
/// </summary>
/// <remarks>
/// Options: <c>--model</c> (the quickstart's zip; default samples/IRanker.Quickstart/output/iranker-model.zip),
/// <c>--large-folder</c> (where the 0.5B-shape model and its zip are written, ~2-4 GB; default a temporary folder, deleted
/// after; <c>none</c> skips it), <c>--repeats</c> (loads per zip and format; default 3), <c>--flips</c> (default 20).
/// </remarks>
internal sealed class IntegrityBenchmark : IBenchmarkCommand
{
    public string Title => "Model zip integrity: load-time cost of the SHA-256 check, and bit flips caught";

    public string Run(string[] args)
    {
        string machine = BenchmarkReport.Machine();
        string quickstart = Path.GetFullPath(Option(args, "--model", Path.Combine("samples", "IRanker.Quickstart", "output", "iranker-model.zip")));
        int repeats = int.Parse(Option(args, "--repeats", "3"), CultureInfo.InvariantCulture);
        int flips = int.Parse(Option(args, "--flips", "20"), CultureInfo.InvariantCulture);
        string large = Option(args, "--large-folder", "");

        var body = new StringBuilder();
        body.AppendLine($"Machine: {machine}. Date: {DateTime.UtcNow:yyyy-MM-dd}. Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- integrity`.");
        body.AppendLine("Load = `mlContext.Model.Load` of the zip (extracting every file, building the model), median of the runs; \"without check\" is");
        body.AppendLine("the same zip rewritten as format 1.1 (no digest stream), which loads without a check.");
        body.AppendLine();
        body.AppendLine("| model | zip MiB | load, checked (s) | load, without check (s) | cost of the check | reading + SHA-256 of the stored files alone |");
        body.AppendLine("|---|---|---|---|---|---|");
        body.AppendLine(LoadRow("quickstart (Small, 2 layers)", quickstart, repeats));

        if (large != "none")
        {
            string folder = large.Length > 0 ? Path.GetFullPath(large) : Directory.CreateTempSubdirectory("iranker-0.5b-").FullName;
            try
            {
                string zip = LargeZip(folder);
                body.AppendLine(LoadRow("Qwen2.5-0.5B shape, random weights", zip, Math.Min(repeats, 2)));
            }
            finally
            {
                if (large.Length == 0) Directory.Delete(folder, recursive: true);
            }
        }

        body.AppendLine();
        body.AppendLine(FlipReport(quickstart, flips));
        return body.ToString();
    }

    private static string LoadRow(string name, string zip, int repeats)
    {
        string old = Path.Combine(Path.GetTempPath(), $"iranker-format-1.1-{Environment.ProcessId}.zip");
        File.WriteAllBytes(old, FirstFormat(File.ReadAllBytes(zip)));
        try
        {
            var checkedTimes = new List<double>();
            var plainTimes = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                plainTimes.Add(TimeLoad(old));
                checkedTimes.Add(TimeLoad(zip));
            }
            double withCheck = Median(checkedTimes), without = Median(plainTimes);
            double mib = new FileInfo(zip).Length / 1048576.0;
            double hashSeconds = HashSeconds(zip);
            Console.WriteLine($"{name}: checked {withCheck:F2} s, without check {without:F2} s, SHA-256 of the entries {hashSeconds:F2} s");
            return Invariant($"| {name} | {mib:F1} | {withCheck:F2} | {without:F2} | {withCheck - without:+0.00;-0.00} s ({(withCheck - without) / without:+0%;-0%}) | {hashSeconds:F2} s |");
        }
        finally
        {
            File.Delete(old);
        }
    }

    private static double TimeLoad(string zip)
    {
        var ml = new MLContext(seed: 0);
        var clock = Stopwatch.StartNew();
        var model = ml.Model.Load(zip, out _);
        double seconds = clock.Elapsed.TotalSeconds;
        Dispose(model);
        GC.Collect();
        return seconds;
    }

    // SHA-256 of every engine file's stream as stored (decompressed), the work the check adds.
    private static double HashSeconds(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        var clock = Stopwatch.StartNew();
        foreach (var entry in archive.Entries.Where(e => e.Name.StartsWith("EngineFile", StringComparison.Ordinal)))
        {
            using var stream = entry.Open();
            SHA256.HashData(stream);
        }
        return clock.Elapsed.TotalSeconds;
    }

    // A model of Qwen2.5-0.5B's shape with random weights, trained on nothing, saved through ML.NET.
    private static string LargeZip(string folder)
    {
        string modelFolder = Path.Combine(folder, "model");
        string zip = Path.Combine(folder, "iranker-0.5b.zip");
        if (File.Exists(zip)) return zip;
        var queries = new[]
        {
            new RankingQuery("tell me about the volcano", [new("passage 1", "volcano history"), new("passage 2", "bananas are yellow")], RankingScenario.Passage),
        };
        Console.WriteLine("Creating a model of Qwen2.5-0.5B's shape (random weights)...");
        using (var model = IRankerModel.CreateFromScratch(queries, _ => Qwen2Config.Qwen25_0_5B(), seed: 1, style: PromptStyle.Compact))
            model.Save(modelFolder);
        var ml = new MLContext(seed: 0);
        var rows = new[]
        {
            new Row { Label = 4, GroupId = 1, Query = "tell me about the volcano", Candidate = "volcano history" },
            new Row { Label = 0, GroupId = 1, Query = "tell me about the volcano", Candidate = "bananas are yellow" },
        };
        var data = ml.Data.LoadFromEnumerable(rows);
        var transformer = ml.Ranking.Trainers.IRanker(new IRankerOptions
        {
            Scenario = RankingScenario.Passage, ModelPath = modelFolder, WarmStartSteps = 0, TrainingSteps = 0, Device = "cpu",
        }).Fit(data);
        ml.Model.Save(transformer, data.Schema, zip);
        transformer.Dispose();
        Directory.Delete(modelFolder, recursive: true);
        Console.WriteLine($"Wrote {zip} ({new FileInfo(zip).Length / 1048576.0:F0} MiB).");
        return zip;
    }

    // Flips one bit at a time in the stored (compressed) bytes of the weights entry and loads the zip.
    private static string FlipReport(string zip, int flips)
    {
        byte[] original = File.ReadAllBytes(zip);
        var (start, length, name) = WeightsEntryData(original);
        var random = new Random(7);
        int named = 0, other = 0, silent = 0;
        var others = new List<string>();
        for (int i = 0; i < flips; i++)
        {
            byte[] damaged = (byte[])original.Clone();
            long at = start + random.NextInt64(length);
            damaged[at] ^= (byte)(1 << random.Next(8));
            try
            {
                Dispose(new MLContext(seed: 0).Model.Load(new MemoryStream(damaged), out _));
                silent++;
            }
            catch (Exception e) when (e.GetBaseException() is ModelIntegrityException)
            {
                named++;
            }
            catch (Exception e)
            {
                other++;
                others.Add(e.GetBaseException().Message.Split('\n')[0]);
            }
        }
        Console.WriteLine($"Bit flips in '{name}': {named} ModelIntegrityException, {other} other errors, {silent} loaded");
        var text = new StringBuilder();
        text.AppendLine(Invariant($"Single-bit flips at random places (seed 7) in the stored, compressed bytes of the weights entry ({name}, {length:N0} bytes) of the"));
        text.AppendLine(Invariant($"quickstart's zip, each loaded once: **{named} of {flips}** were reported as `ModelIntegrityException` naming the file, {other} failed with another error"));
        text.AppendLine(Invariant($"and {silent} loaded (format 1.1 zips, which carry no digests, load such damage silently: the issue that added the check found 16 of 20)."));
        foreach (var message in others.Distinct()) text.AppendLine($"- other error: {message}");
        return text.ToString();
    }

    // The byte range of the largest EngineFile entry's data within the zip file.
    private static (long Start, long Length, string Name) WeightsEntryData(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        var entry = archive.Entries.Where(e => e.Name.StartsWith("EngineFile", StringComparison.Ordinal)).MaxBy(e => e.CompressedLength)!;
        // The local header: 30 bytes, then the name and the extra field; its offset is the last local header with this name.
        byte[] nameBytes = Encoding.UTF8.GetBytes(entry.FullName);
        for (int i = 0; i + 30 + nameBytes.Length <= zip.Length; i++)
        {
            if (zip[i] != 0x50 || zip[i + 1] != 0x4b || zip[i + 2] != 3 || zip[i + 3] != 4) continue;
            int nameLength = BitConverter.ToUInt16(zip, i + 26), extraLength = BitConverter.ToUInt16(zip, i + 28);
            if (nameLength != nameBytes.Length || !zip.AsSpan(i + 30, nameLength).SequenceEqual(nameBytes)) continue;
            return (i + 30 + nameLength + extraLength, entry.CompressedLength, entry.FullName);
        }
        throw new InvalidOperationException($"The local header of {entry.FullName} was not found.");
    }

    /// <summary>The zip rewritten as format 1.1: the header's version written set to 1.1 and the digest stream removed.</summary>
    internal static byte[] FirstFormat(byte[] zip)
    {
        using var stream = new MemoryStream();
        stream.Write(zip);
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Update, leaveOpen: true))
        {
            var digests = archive.Entries.Single(e => e.Name == "EngineDigests");
            string folder = digests.FullName[..^digests.Name.Length];
            digests.Delete();
            var main = archive.GetEntry(folder + "Model.key")!;
            byte[] content;
            using (var read = main.Open()) { using var copy = new MemoryStream(); read.CopyTo(copy); content = copy.ToArray(); }
            byte[] versions = [2, 0, 1, 0, 1, 0, 1, 0];   // two uints: written 0x00010002, readable 0x00010001
            int at = content.AsSpan().IndexOf(versions);
            if (at < 0) throw new InvalidOperationException("The zip's header does not have format 1.2's versions.");
            content[at] = 1;
            main.Delete();
            using var write = archive.CreateEntry(folder + "Model.key").Open();
            write.Write(content);
        }
        return stream.ToArray();
    }

    private static void Dispose(ITransformer model)
    {
        var parts = model is IEnumerable<ITransformer> chain ? chain : [model];
        foreach (var part in parts) (part as IDisposable)?.Dispose();
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);

    private static string Option(string[] args, string name, string fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
    }

    private sealed class Row
    {
        public float Label { get; set; }
        public uint GroupId { get; set; }
        public string Query { get; set; } = "";
        public string Candidate { get; set; } = "";
    }
}
