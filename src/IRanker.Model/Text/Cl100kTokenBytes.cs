using System.IO.Compression;
using System.Reflection;

namespace IRanker.Model.Text;

/// <summary>
/// The UTF-8 bytes of every <c>cl100k_base</c> token, read from the vocabulary that the
/// Microsoft.ML.Tokenizers.Data.Cl100kBase package embeds (a deflated <c>.tiktoken</c> file: one
/// base64 token per line). Microsoft.ML.Tokenizers does not expose the id-to-bytes table publicly, and
/// decoding a lone token to text loses bytes that are part of a longer UTF-8 sequence. The resource starts with a
/// <c>Capacity: N</c> line; a token line without an explicit id takes the next id in order (from 0).
/// </summary>
internal static class Cl100kTokenBytes
{
    private const string AssemblyName = "Microsoft.ML.Tokenizers.Data.Cl100kBase";
    private const string ResourceName = "cl100k_base.tiktoken.deflate";

    private static readonly Lazy<IReadOnlyDictionary<int, byte[]>> Table = new(Read);

    /// <summary>Token id to its bytes.</summary>
    public static IReadOnlyDictionary<int, byte[]> ById => Table.Value;

    private static IReadOnlyDictionary<int, byte[]> Read()
    {
        var assembly = Assembly.Load(AssemblyName);
        using var stream = assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"{AssemblyName} has no resource '{ResourceName}'; use version 2.0.1 of that package.");
        using var reader = new StreamReader(new DeflateStream(stream, CompressionMode.Decompress));
        var table = new Dictionary<int, byte[]>(100_256);
        int next = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line.StartsWith("Capacity:", StringComparison.Ordinal)) continue;
            int space = line.IndexOf(' ');
            int id = space < 0 ? next : int.Parse(line.AsSpan(space + 1));
            table[id] = Convert.FromBase64String(space < 0 ? line : line[..space]);
            next = id + 1;
        }
        return table;
    }
}
