using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IRanker.Cli.Models;

/// <summary>
/// Reads what an IRanker model zip says about itself without loading the model: the options it was trained with (the
/// JSON that the format stores in the transformer's main stream, after ML.NET's header with the signature
/// <c>IRANKERT</c>; docs/mlnet.md, "How persistence works"), its entries and the SHA-256 of the zip and of the digest stream.
/// </summary>
internal static class ModelZipInspector
{
    private static readonly byte[] Signature = "IRANKERT"u8.ToArray();

    /// <summary>The saved options, or null when the zip holds no IRanker transformer.</summary>
    public static JsonObject? ReadOptions(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        foreach (var entry in zip.Entries.Where(e => e.Name == "Model.key"))
        {
            byte[] bytes = ReadAll(entry);
            int signature = bytes.AsSpan().IndexOf(Signature);
            if (signature < 0) continue;
            int start = bytes.AsSpan(signature).IndexOf((byte)'{');
            if (start < 0) continue;
            var reader = new Utf8JsonReader(bytes.AsSpan(signature + start), new JsonReaderOptions { AllowTrailingCommas = false });
            if (!JsonDocument.TryParseValue(ref reader, out var document)) continue;
            using (document)
                if (JsonNode.Parse(document.RootElement.GetRawText()) is JsonObject options) return options;
        }
        return null;
    }

    /// <summary>The zip's entries with their sizes, in zip order.</summary>
    public static IReadOnlyList<(string Name, long Length)> Entries(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        return zip.Entries.Select(e => (e.FullName, e.Length)).ToArray();
    }

    /// <summary>The SHA-256 of the whole zip file, lower-case hex.</summary>
    public static string FileDigest(string zipPath)
    {
        using var stream = File.OpenRead(zipPath);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The SHA-256 of the zip's digest stream (the digests of the model's settings and files), or null for a zip written before digests.</summary>
    public static string? ContentDigest(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        var digests = zip.Entries.FirstOrDefault(e => e.Name.StartsWith("EngineDigests", StringComparison.Ordinal));
        return digests is null ? null : Convert.ToHexStringLower(SHA256.HashData(ReadAll(digests)));
    }

    private static byte[] ReadAll(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }

    /// <summary>The options as indented JSON text.</summary>
    public static string Pretty(JsonObject options) => options.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
