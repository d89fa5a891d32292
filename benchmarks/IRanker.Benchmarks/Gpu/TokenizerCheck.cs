using System.Diagnostics;
using System.Text.Json;
using IRanker.Model.Text;

namespace IRanker.Benchmarks.Gpu;

/// <summary>
/// The tokenizer check: the Qwen tokenizer.json must give exactly the ids that Hugging Face tokenizers gave for every text
/// of reference-encodings.json (and decode them back to the text). It needs no device, but belongs to the run because the
/// published program must carry the tokenizer code and data intact.
/// </summary>
internal static class TokenizerCheck
{
    public static void Run(string folder, CheckResults results)
    {
        var watch = Stopwatch.StartNew();
        var tokenizer = QwenTokenizer.Load(folder);
        var cases = Directory.EnumerateFiles(folder, "*encodings.json").Order(StringComparer.Ordinal).ToList();
        if (cases.Count == 0) throw new FileNotFoundException($"No *encodings.json file in '{folder}'.");
        int total = 0, idsEqual = 0, roundTrips = 0;
        var failures = new List<string>();
        foreach (var file in cases)
        {
            using var document = JsonDocument.Parse(File.ReadAllText(file));
            foreach (var entry in document.RootElement.EnumerateArray())
            {
                string text = entry.GetProperty("text").GetString()!;
                var want = entry.GetProperty("ids").EnumerateArray().Select(i => i.GetInt32()).ToArray();
                var got = tokenizer.Encode(text);
                total++;
                if (got.SequenceEqual(want)) idsEqual++;
                else if (failures.Count < 5) failures.Add($"{Path.GetFileName(file)}#{total - 1}");
                if (tokenizer.Decode(got) == text) roundTrips++;
            }
        }
        results.Report("tokenizer", total > 0 && idsEqual == total && roundTrips == total, new()
        {
            ["tokenizer"] = Path.GetFileName(Path.GetFullPath(folder)), ["vocab"] = tokenizer.VocabSize, ["cases"] = total,
            ["ids_equal"] = idsEqual, ["decode_round_trips"] = roundTrips, ["first_failures"] = failures,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 3),
        });
    }
}
