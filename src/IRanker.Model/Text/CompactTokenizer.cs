using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace IRanker.Model.Text;

/// <summary>
/// A small vocabulary for models trained from scratch: the tokens of OpenAI's <c>cl100k_base</c> encoding (shipped
/// inside the Microsoft.ML.Tokenizers.Data.Cl100kBase package, so nothing is downloaded) restricted to those that occur
/// in a training corpus, renumbered densely, plus the ChatML tokens and <c>&lt;unk&gt;</c>.
/// </summary>
/// <remarks>
/// <para>Ids: 0 <c>&lt;|endoftext|&gt;</c> (padding), 1 <c>&lt;|im_start|&gt;</c>, 2 <c>&lt;|im_end|&gt;</c>, 3 <c>&lt;unk&gt;</c>,
/// then the kept base tokens in increasing base-id order, so the same corpus always gives the same ids.</para>
/// <para>Encoding runs the base tokenizer and maps each id. A token that the corpus did not contain becomes its bytes
/// (with byte fallback, the default, which keeps the 256 single-byte tokens: any text then round-trips exactly) or
/// <c>&lt;unk&gt;</c> (without byte fallback). <c>&lt;unk&gt;</c> decodes as the literal text <c>&lt;unk&gt;</c>.</para>
/// <para>Saved as one small JSON file, <see cref="FileName"/>, in the model folder.</para>
/// </remarks>
/// <example>
/// <code>
/// var tokenizer = CompactTokenizer.Build(trainingTexts, minCount: 2);
/// tokenizer.Save("models/tiny");                       // writes compact-tokenizer.json
/// var same = TextTokenizer.Load("models/tiny");        // a CompactTokenizer with the same ids
/// </code>
/// </example>
public sealed class CompactTokenizer : TextTokenizer
{
    /// <summary>The file written by <see cref="Save"/>.</summary>
    public const string FileName = "compact-tokenizer.json";

    /// <summary>The token that stands for a base token the corpus did not contain (without byte fallback).</summary>
    public const string UnknownToken = "<unk>";

    private const string FormatName = "IRanker.CompactTokenizer";
    private const int FormatVersion = 1;
    private const string BaseEncoding = "cl100k_base";
    private const string BaseModel = "gpt-4";
    private const int UnknownId = 3;

    private static readonly string[] Specials = [ChatTemplate.EndOfText, ChatTemplate.StartOfTurn, ChatTemplate.EndOfTurn, UnknownToken];
    private static readonly Regex SpecialSplit = new(@"(<\|endoftext\|>|<\|im_start\|>|<\|im_end\|>)", RegexOptions.Compiled | RegexOptions.CultureInvariant);
    private static readonly Lazy<TiktokenTokenizer> Base = new(() => TiktokenTokenizer.CreateForModel(BaseModel));

    private readonly int[] _baseIds;
    private readonly Dictionary<int, int> _compactIds;
    private readonly int[]? _byteIds;

    private CompactTokenizer(int[] baseIds, bool byteFallback)
    {
        _baseIds = baseIds;
        _compactIds = new Dictionary<int, int>(baseIds.Length);
        for (int i = 0; i < baseIds.Length; i++) _compactIds[baseIds[i]] = Specials.Length + i;
        if (byteFallback)
        {
            _byteIds = new int[256];
            foreach (var (baseId, bytes) in SingleByteTokens())
            {
                if (!_compactIds.TryGetValue(baseId, out int id))
                    throw new InvalidDataException($"The compact vocabulary uses byte fallback but lacks the byte token {baseId} of {BaseEncoding}.");
                _byteIds[bytes] = id;
            }
        }
        ByteFallback = byteFallback;
        StopTokenIds = [2, 0];
    }

    /// <inheritdoc/>
    public override int VocabSize => Specials.Length + _baseIds.Length;

    /// <inheritdoc/>
    public override int EndOfTurnId => 2;

    /// <inheritdoc/>
    public override IReadOnlyList<int> StopTokenIds { get; }

    /// <inheritdoc/>
    public override int PadTokenId => 0;

    /// <summary>The id of <c>&lt;unk&gt;</c>.</summary>
    public int UnknownTokenId => UnknownId;

    /// <summary>Whether tokens unseen in the corpus are written as their bytes (true) or as <c>&lt;unk&gt;</c> (false).</summary>
    public bool ByteFallback { get; }

    /// <summary>The <c>cl100k_base</c> id of each kept token, in compact-id order (after the special tokens).</summary>
    internal IReadOnlyList<int> BaseIds => _baseIds;

    /// <summary>Builds the vocabulary of a corpus.</summary>
    /// <param name="corpus">The texts the model will see (prompts and answers).</param>
    /// <param name="minCount">How often a base token must occur to be kept (at least 1).</param>
    /// <param name="byteFallback">Keep the 256 single-byte tokens and write unseen tokens as bytes, so that every text round-trips.</param>
    public static CompactTokenizer Build(IEnumerable<string> corpus, int minCount = 1, bool byteFallback = true)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<int, int>();
        foreach (string text in corpus)
        {
            ArgumentNullException.ThrowIfNull(text, nameof(corpus));
            foreach (string segment in SpecialSplit.Split(text))
            {
                if (segment.Length == 0 || Array.IndexOf(Specials, segment) >= 0) continue;
                foreach (int id in Base.Value.EncodeToIds(segment))
                    counts[id] = counts.GetValueOrDefault(id) + 1;
            }
        }
        var kept = new SortedSet<int>(counts.Where(kv => kv.Value >= minCount).Select(kv => kv.Key));
        if (byteFallback) kept.UnionWith(SingleByteTokens().Select(t => t.BaseId));
        return new CompactTokenizer([.. kept], byteFallback);
    }

    /// <inheritdoc/>
    public override IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        foreach (string segment in SpecialSplit.Split(text))
        {
            if (segment.Length == 0) continue;
            int special = Array.IndexOf(Specials, segment);
            if (special >= 0) { ids.Add(special); continue; }
            foreach (int baseId in Base.Value.EncodeToIds(segment))
            {
                if (_compactIds.TryGetValue(baseId, out int id)) ids.Add(id);
                else if (_byteIds is not null && Cl100kTokenBytes.ById.TryGetValue(baseId, out var bytes))
                    foreach (byte b in bytes) ids.Add(_byteIds[b]);
                else ids.Add(UnknownId);
            }
        }
        return ids;
    }

    /// <inheritdoc/>
    public override string Decode(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        var run = new List<int>();
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)VocabSize)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is outside this tokenizer's vocabulary (0..{VocabSize - 1}).");
            if (id >= Specials.Length) { run.Add(_baseIds[id - Specials.Length]); continue; }
            Flush();
            text.Append(Specials[id]);
        }
        Flush();
        return text.ToString();

        // Base tokens are decoded together: a character's UTF-8 bytes may be split over several tokens.
        void Flush()
        {
            if (run.Count == 0) return;
            text.Append(Base.Value.Decode(run));
            run.Clear();
        }
    }

    /// <inheritdoc/>
    public override int? TokenToId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        int special = Array.IndexOf(Specials, token);
        if (special >= 0) return special;
        var baseIds = Base.Value.EncodeToIds(token);
        return baseIds.Count == 1 && _compactIds.TryGetValue(baseIds[0], out int id) ? id : null;
    }

    // *** File format (compact-tokenizer.json) ***
    // { "format": "IRanker.CompactTokenizer", "version": 1, "base": "cl100k_base", "byteFallback": true,
    //   "specialTokens": ["<|endoftext|>", "<|im_start|>", "<|im_end|>", "<unk>"], "baseIds": [ascending cl100k_base ids] }
    // Compact id = position in specialTokens, then specialTokens.Length + position in baseIds.

    /// <summary>Writes <see cref="FileName"/> into <paramref name="folder"/> (created if missing).</summary>
    public override void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        var file = new CompactTokenizerFile(FormatName, FormatVersion, BaseEncoding, ByteFallback, Specials, _baseIds);
        File.WriteAllText(Path.Combine(folder, FileName), JsonSerializer.Serialize(file, CompactTokenizerFile.JsonOptions));
    }

    /// <summary>Reads <see cref="FileName"/> from a model folder.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="InvalidDataException">The file is not valid JSON or not a compact tokenizer of this version.</exception>
    public static new CompactTokenizer Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"'{Path.GetFullPath(path)}' not found. It is written by CompactTokenizer.Save next to the model it belongs to; copy it with the model.", path);
        CompactTokenizerFile? file;
        try { file = JsonSerializer.Deserialize<CompactTokenizerFile>(File.ReadAllText(path), CompactTokenizerFile.JsonOptions); }
        catch (JsonException e) { throw new InvalidDataException($"'{path}' is not valid JSON ({e.Message}). Save the tokenizer again with CompactTokenizer.Save.", e); }

        if (file is null || file.Format != FormatName || file.Version != FormatVersion || file.Base != BaseEncoding)
            throw new InvalidDataException($"'{path}' is not a {FormatName} file of version {FormatVersion} over {BaseEncoding}. Save the tokenizer again with CompactTokenizer.Save.");
        if (file.SpecialTokens is null || !file.SpecialTokens.SequenceEqual(Specials))
            throw new InvalidDataException($"'{path}' lists special tokens [{string.Join(", ", file.SpecialTokens ?? [])}]; expected [{string.Join(", ", Specials)}].");
        var baseIds = file.BaseIds ?? [];
        for (int i = 0; i < baseIds.Length; i++)
        {
            if (!Cl100kTokenBytes.ById.ContainsKey(baseIds[i]) || (i > 0 && baseIds[i] <= baseIds[i - 1]))
                throw new InvalidDataException($"'{path}': baseIds must be distinct, ascending {BaseEncoding} ids; entry {i} ({baseIds[i]}) is not.");
        }
        return new CompactTokenizer(baseIds, file.ByteFallback);
    }

    private static IEnumerable<(int BaseId, byte Byte)> SingleByteTokens() =>
        Cl100kTokenBytes.ById.Where(kv => kv.Value.Length == 1).Select(kv => (kv.Key, kv.Value[0]));
}
