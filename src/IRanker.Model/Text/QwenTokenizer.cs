using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace IRanker.Model.Text;

/// <summary>
/// The byte-level BPE tokenizer of Qwen2, Qwen2.5 and Qwen3 models, read from a Hugging Face <c>tokenizer.json</c>
/// (and <c>tokenizer_config.json</c> when present). It gives the same ids as Hugging Face <c>tokenizers</c>.
/// </summary>
/// <remarks>
/// Built on Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>: NFC normalisation, the pre-tokenizer regex of the
/// file rewritten to treat characters outside the Basic Multilingual Plane as .NET's UTF-16 regex otherwise would not
/// (emoji, rare CJK, mathematical letters), and every added token of the file (<c>&lt;|im_start|&gt;</c>,
/// <c>&lt;think&gt;</c>, ...) matched literally in the text. Other byte-level BPE files with a <c>Split</c> regex
/// pre-tokenizer (Llama 3 for example) load too, provided they define <c>&lt;|im_end|&gt;</c>.
/// </remarks>
/// <example>
/// <code>
/// var tokenizer = QwenTokenizer.Load("models/Qwen2.5-0.5B-Instruct");
/// var ids = tokenizer.Encode("Hello world");   // [9707, 1879]
/// </code>
/// </example>
public sealed class QwenTokenizer : TextTokenizer
{
    /// <summary>The Hugging Face tokenizer file name.</summary>
    public const string FileName = "tokenizer.json";

    /// <summary>The optional Hugging Face tokenizer configuration file name (end-of-sequence and padding tokens).</summary>
    public const string ConfigFileName = "tokenizer_config.json";

    /// <summary>The pre-tokenizer regex of GPT-2 style files whose <c>ByteLevel</c> pre-tokenizer has <c>use_regex = true</c>.</summary>
    private const string ByteLevelDefaultPattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly BpeTokenizer _bpe;
    private readonly IReadOnlyDictionary<string, int> _addedTokens;
    private readonly byte[] _tokenizerJson;
    private readonly byte[]? _configJson;

    private QwenTokenizer(BpeTokenizer bpe, IReadOnlyDictionary<string, int> addedTokens, int vocabSize,
        int endOfTurnId, IReadOnlyList<int> stopTokenIds, int padTokenId, byte[] tokenizerJson, byte[]? configJson)
    {
        _bpe = bpe;
        _addedTokens = addedTokens;
        VocabSize = vocabSize;
        EndOfTurnId = endOfTurnId;
        StopTokenIds = stopTokenIds;
        PadTokenId = padTokenId;
        _tokenizerJson = tokenizerJson;
        _configJson = configJson;
    }

    /// <inheritdoc/>
    public override int VocabSize { get; }

    /// <inheritdoc/>
    public override int EndOfTurnId { get; }

    /// <inheritdoc/>
    public override IReadOnlyList<int> StopTokenIds { get; }

    /// <inheritdoc/>
    public override int PadTokenId { get; }

    /// <summary>The added tokens of the file (special or not), by text.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens => _addedTokens;

    /// <inheritdoc/>
    public override IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? [] : _bpe.EncodeToIds(text);
    }

    /// <inheritdoc/>
    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return _bpe.Decode(ids, considerSpecialTokens: true);
    }

    /// <inheritdoc/>
    public override int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (_addedTokens.TryGetValue(token, out int id)) return id;
        return _bpe.Vocabulary.TryGetValue(token, out id) ? id : null;
    }

    /// <summary>Writes <c>tokenizer.json</c> (and <c>tokenizer_config.json</c> if one was read), byte for byte as loaded.</summary>
    public override void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, FileName), _tokenizerJson);
        if (_configJson is not null) File.WriteAllBytes(Path.Combine(folder, ConfigFileName), _configJson);
    }

    /// <summary>Loads <c>tokenizer.json</c> (and <c>tokenizer_config.json</c> when present) from a model folder.</summary>
    /// <exception cref="FileNotFoundException"><c>tokenizer.json</c> is missing.</exception>
    /// <exception cref="InvalidDataException">A file is not valid JSON or lacks what a byte-level BPE tokenizer needs.</exception>
    /// <exception cref="NotSupportedException">The file describes another kind of tokenizer.</exception>
    public static new QwenTokenizer Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{Path.GetFullPath(path)}' not found. Copy tokenizer.json (and tokenizer_config.json) of the Hugging Face model into '{folder}'.", path);
        string configPath = Path.Combine(folder, ConfigFileName);
        byte[]? config = File.Exists(configPath) ? File.ReadAllBytes(configPath) : null;
        return FromBytes(File.ReadAllBytes(path), path, config, configPath);
    }

    private static QwenTokenizer FromBytes(byte[] tokenizerJson, string path, byte[]? configJson, string configPath)
    {
        var file = HuggingFaceTokenizerFile.Parse(tokenizerJson, path);
        var config = configJson is null ? null : HuggingFaceTokenizerConfig.Parse(configJson, configPath);

        string pattern = file.SplitPattern ?? ByteLevelDefaultPattern;
        var added = file.AddedTokens;
        var regex = new Regex(AstralRegex.Rewrite(pattern), RegexOptions.Compiled | RegexOptions.CultureInvariant);
        var bpe = BpeTokenizer.Create(new BpeOptions(file.Vocabulary)
        {
            Merges = file.Merges,
            ByteLevel = true,
            SpecialTokens = added.Count == 0 ? null : added,
            PreTokenizer = new RegexPreTokenizer(regex, added.Count == 0 ? null : added),
            Normalizer = file.NfcNormalization ? NfcNormalizer.Instance : null,
        });

        int Required(string token, string why) => added.TryGetValue(token, out int id) ? id
            : file.Vocabulary.TryGetValue(token, out id) ? id
            : throw new InvalidDataException($"'{path}' has no token {token}, which {why}. IRanker needs a tokenizer with ChatML tokens (Qwen2, Qwen2.5, Qwen3).");

        int endOfTurn = Required(ChatTemplate.EndOfTurn, "ends every ChatML turn");
        int? TokenOrNull(string? token) => token is not null && added.TryGetValue(token, out int id) ? id : null;
        int? endOfText = TokenOrNull(ChatTemplate.EndOfText);
        int? eos = TokenOrNull(config?.EosToken);
        var stops = new[] { endOfTurn, eos, endOfText }.OfType<int>().Distinct().ToArray();
        int pad = TokenOrNull(config?.PadToken) ?? endOfText ?? endOfTurn;

        int vocabSize = Math.Max(file.Vocabulary.Count == 0 ? 0 : file.Vocabulary.Max(kv => kv.Value), added.Count == 0 ? 0 : added.Values.Max()) + 1;
        return new QwenTokenizer(bpe, added, vocabSize, endOfTurn, stops, pad, tokenizerJson, configJson);
    }
}
