using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IRanker.Cli.Models;

/// <summary>
/// Reads what an IRanker model zip says about itself without loading the model: the options it was trained with (the
/// JSON that the format stores in the transformer's main stream, after ML.NET's header with the signature
/// <c>IRANKERT</c>; docs/mlnet.md, "How persistence works") and the SHA-256 of the zip and of the digest stream.
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
            // The options are the first JSON object after the header (whose binary fields may hold a '{' byte too).
            for (int at = signature; at < bytes.Length; at++)
            {
                int start = bytes.AsSpan(at).IndexOf((byte)'{');
                if (start < 0) break;
                at += start;
                if (TryReadOptions(bytes.AsSpan(at)) is { } options) return options;
            }
        }
        return null;
    }

    private static JsonObject? TryReadOptions(ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        try
        {
            if (!JsonDocument.TryParseValue(ref reader, out var document)) return null;
            using (document)
                return document.RootElement.ValueKind == JsonValueKind.Object
                    ? JsonNode.Parse(document.RootElement.GetRawText()) as JsonObject
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
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
