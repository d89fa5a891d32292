using System.Text.Json;

namespace IRanker.Model.Text;

/// <summary>The JSON content of <see cref="CompactTokenizer.FileName"/>.</summary>
internal sealed record CompactTokenizerFile(string Format, int Version, string Base, bool ByteFallback, string[]? SpecialTokens, int[]? BaseIds)
{
    public static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
}
