using System.Text.Json;

namespace IRanker.Model.Text;

/// <summary>What <see cref="QwenTokenizer"/> needs from a Hugging Face <c>tokenizer.json</c>, checked as it is read.</summary>
internal sealed record HuggingFaceTokenizerFile(
    Dictionary<string, int> Vocabulary,
    List<string> Merges,
    Dictionary<string, int> AddedTokens,
    string? SplitPattern,
    bool NfcNormalization)
{
    public static HuggingFaceTokenizerFile Parse(byte[] json, string path)
    {
        JsonDocument document;
        try { document = JsonDocument.Parse(json); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{path}' is not valid JSON ({e.Message}). Download tokenizer.json of the model again.", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"'{path}' has no \"model\" object; it is not a Hugging Face tokenizer.json.");
            string type = model.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";
            if (type != "BPE")
                throw new NotSupportedException($"'{path}' describes a {(type.Length == 0 ? "tokenizer without a model type" : type)} model; only byte-level BPE (Qwen, Llama 3, GPT-2 style) is supported.");

            var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
            if (!model.TryGetProperty("vocab", out var vocab) || vocab.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"'{path}' has no \"model.vocab\" object.");
            foreach (var entry in vocab.EnumerateObject()) vocabulary[entry.Name] = entry.Value.GetInt32();

            var merges = new List<string>();
            if (model.TryGetProperty("merges", out var mergeArray))
            {
                foreach (var merge in mergeArray.EnumerateArray())
                {
                    // Older files write "a b"; newer ones ["a", "b"]. Byte-level tokens never contain a space.
                    merges.Add(merge.ValueKind == JsonValueKind.Array
                        ? $"{merge[0].GetString()} {merge[1].GetString()}"
                        : merge.GetString() ?? throw new InvalidDataException($"'{path}' has a null entry in \"model.merges\"."));
                }
            }

            var added = new Dictionary<string, int>(StringComparer.Ordinal);
            if (root.TryGetProperty("added_tokens", out var addedArray) && addedArray.ValueKind == JsonValueKind.Array)
            {
                foreach (var token in addedArray.EnumerateArray())
                    added[token.GetProperty("content").GetString()!] = token.GetProperty("id").GetInt32();
            }

            return new HuggingFaceTokenizerFile(vocabulary, merges, added, ReadSplitPattern(root, path), ReadNfcNormalization(root, path));
        }
    }

    private static bool ReadNfcNormalization(JsonElement root, string path)
    {
        if (!root.TryGetProperty("normalizer", out var normalizer) || normalizer.ValueKind == JsonValueKind.Null) return false;
        string type = normalizer.GetProperty("type").GetString() ?? "";
        return type == "NFC" ? true
            : throw new NotSupportedException($"'{path}' uses the normalizer \"{type}\"; only \"NFC\" or none is supported.");
    }

    /// <summary>The regex of a <c>Split</c> pre-tokenizer, or null for a lone <c>ByteLevel</c> one with its built-in regex.</summary>
    private static string? ReadSplitPattern(JsonElement root, string path)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind == JsonValueKind.Null)
            throw new NotSupportedException($"'{path}' has no pre_tokenizer; a byte-level BPE tokenizer needs one.");
        var steps = pre.GetProperty("type").GetString() == "Sequence"
            ? pre.GetProperty("pretokenizers").EnumerateArray().ToList()
            : [pre];

        string? pattern = null;
        bool byteLevel = false;
        foreach (var step in steps)
        {
            switch (step.GetProperty("type").GetString())
            {
                case "Split":
                    if (pattern is not null || !step.GetProperty("pattern").TryGetProperty("Regex", out var regex))
                        throw new NotSupportedException($"'{path}' has a Split pre-tokenizer that is not a single regex.");
                    string behavior = step.TryGetProperty("behavior", out var b) ? b.GetString() ?? "" : "";
                    if (behavior != "Isolated")
                        throw new NotSupportedException($"'{path}' has a Split pre-tokenizer with behavior \"{behavior}\"; only \"Isolated\" is supported.");
                    pattern = regex.GetString();
                    break;
                case "ByteLevel":
                    byteLevel = true;
                    bool useRegex = step.TryGetProperty("use_regex", out var u) && u.GetBoolean();
                    bool prefixSpace = step.TryGetProperty("add_prefix_space", out var p) && p.GetBoolean();
                    if (prefixSpace)
                        throw new NotSupportedException($"'{path}' asks for add_prefix_space, which is not supported.");
                    if (useRegex == (pattern is not null))
                        throw new NotSupportedException($"'{path}' needs exactly one pre-tokenizer regex (a Split regex or ByteLevel use_regex).");
                    break;
                case var other:
                    throw new NotSupportedException($"'{path}' uses the pre-tokenizer \"{other}\"; only Split (regex) and ByteLevel are supported.");
            }
        }
        if (!byteLevel) throw new NotSupportedException($"'{path}' has no ByteLevel pre-tokenizer; only byte-level BPE is supported.");
        return pattern;
    }
}
