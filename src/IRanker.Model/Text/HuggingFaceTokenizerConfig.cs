using System.Text.Json;

namespace IRanker.Model.Text;

/// <summary>The end-of-sequence and padding tokens named by a Hugging Face <c>tokenizer_config.json</c>.</summary>
internal sealed record HuggingFaceTokenizerConfig(string? EosToken, string? PadToken)
{
    public static HuggingFaceTokenizerConfig Parse(byte[] json, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return new HuggingFaceTokenizerConfig(Token(root, "eos_token"), Token(root, "pad_token"));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON ({e.Message}). Fix or delete the file (it is optional).", e);
        }
    }

    // A token is written either as a string or as an object { "content": "..." }.
    private static string? Token(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) ? null
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ValueKind == JsonValueKind.Object && value.TryGetProperty("content", out var content) ? content.GetString()
        : null;
}
