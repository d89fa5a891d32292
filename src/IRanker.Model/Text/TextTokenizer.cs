namespace IRanker.Model.Text;

/// <summary>
/// Turns text into token ids and back, as the ranking and training code needs it. Special tokens written inside
/// the text (<c>&lt;|im_start|&gt;</c>, <c>&lt;|im_end|&gt;</c>, ...) are recognised as single tokens, as Hugging Face
/// tokenizers do.
/// </summary>
/// <remarks>
/// Two implementations: <see cref="QwenTokenizer"/> (a byte-level BPE <c>tokenizer.json</c>, as shipped with Qwen
/// models) and <see cref="CompactTokenizer"/> (a small vocabulary for models trained from scratch, needing no
/// download). <see cref="Load"/> picks the right one from the files of a model folder.
/// </remarks>
/// <example>
/// <code>
/// TextTokenizer tokenizer = TextTokenizer.Load("models/qwen2.5-0.5b");
/// IReadOnlyList&lt;int&gt; ids = tokenizer.Encode("&lt;|im_start|&gt;user\nRank these.&lt;|im_end|&gt;");
/// string text = tokenizer.Decode(ids);   // the same text again
/// </code>
/// </example>
public abstract class TextTokenizer
{
    /// <summary>The number of ids the model's embedding and output layers must cover (largest id + 1).</summary>
    public abstract int VocabSize { get; }

    /// <summary>The id of <c>&lt;|im_end|&gt;</c>, which ends a ChatML turn.</summary>
    public abstract int EndOfTurnId { get; }

    /// <summary>Ids that end generation (<c>&lt;|im_end|&gt;</c>, the end-of-sequence token, ...), without duplicates.</summary>
    public abstract IReadOnlyList<int> StopTokenIds { get; }

    /// <summary>The id used to pad batches of unequal length.</summary>
    public abstract int PadTokenId { get; }

    /// <summary>Encodes text; special tokens that appear literally in the text become their single ids.</summary>
    public abstract IReadOnlyList<int> Encode(string text);

    /// <summary>Decodes ids back to text; special tokens are written out literally.</summary>
    public abstract string Decode(IEnumerable<int> ids);

    /// <summary>The id of one token given as text (a special token such as <c>&lt;think&gt;</c>, or a vocabulary entry), or null if there is none.</summary>
    public abstract int? TokenToId(string token);

    /// <summary>Writes the files that <see cref="Load"/> reads back into <paramref name="folder"/> (created if missing).</summary>
    public abstract void Save(string folder);

    /// <summary>
    /// Loads the tokenizer of a model folder: <c>tokenizer.json</c> (with <c>tokenizer_config.json</c> when present)
    /// gives a <see cref="QwenTokenizer"/>; <c>compact-tokenizer.json</c> gives a <see cref="CompactTokenizer"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">The folder holds neither file.</exception>
    public static TextTokenizer Load(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        if (!Directory.Exists(folder))
            throw new DirectoryNotFoundException($"Tokenizer folder '{Path.GetFullPath(folder)}' does not exist. Pass the model folder that holds tokenizer.json or {CompactTokenizer.FileName}.");
        if (File.Exists(Path.Combine(folder, QwenTokenizer.FileName))) return QwenTokenizer.Load(folder);
        if (File.Exists(Path.Combine(folder, CompactTokenizer.FileName))) return CompactTokenizer.Load(folder);
        throw new FileNotFoundException(
            $"No tokenizer in '{Path.GetFullPath(folder)}': expected {QwenTokenizer.FileName} (a Hugging Face model folder) or {CompactTokenizer.FileName} " +
            "(written by CompactTokenizer.Save). Copy the tokenizer files of the model into this folder.",
            Path.Combine(folder, QwenTokenizer.FileName));
    }
}
