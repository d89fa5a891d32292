namespace IRanker.Model.Text;

/// <summary>
/// A byte-level BPE vocabulary learnt by <see cref="ByteLevelBpeTrainer"/>: the tokens in id order and the merges in
/// the order they were learnt, saved as the Hugging Face files of a Qwen2-style tokenizer.
/// </summary>
/// <remarks>
/// Ids: 0–255 the single bytes (in byte order, written with GPT-2's byte-to-character mapping), then one token per
/// learnt merge (a merge that spells an existing token adds none), then <c>&lt;|endoftext|&gt;</c>,
/// <c>&lt;|im_start|&gt;</c> and <c>&lt;|im_end|&gt;</c>. Every text encodes without an unknown token, since any byte
/// is a token.
/// </remarks>
/// <example>
/// <code>
/// var vocabulary = ByteLevelBpeTrainer.Train(trainingTexts, vocabSize: 4096);
/// vocabulary.Save("models/tiny");                    // tokenizer.json and tokenizer_config.json
/// var tokenizer = QwenTokenizer.Load("models/tiny"); // EndOfTurnId == vocabulary.VocabSize - 1
/// </code>
/// </example>
public sealed class ByteLevelBpeVocabulary
{
    /// <summary>The special tokens, in id order after the learnt tokens: end of text (padding), start of turn, end of turn (end of sequence).</summary>
    public static IReadOnlyList<string> SpecialTokens { get; } = [ChatTemplate.EndOfText, ChatTemplate.StartOfTurn, ChatTemplate.EndOfTurn];

    internal ByteLevelBpeVocabulary(IReadOnlyList<string> tokens, IReadOnlyList<(string Left, string Right)> merges)
    {
        Tokens = tokens;
        Merges = merges;
    }

    /// <summary>The byte and merged tokens in id order, as byte-level strings (as in <c>model.vocab</c>); the special tokens follow them.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>The learnt merges, first learnt (highest priority) first.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    /// <summary>All ids: the byte and merged tokens and the special tokens.</summary>
    public int VocabSize => Tokens.Count + SpecialTokens.Count;

    /// <summary>The id of a special token (<c>&lt;|im_end|&gt;</c>, ...).</summary>
    /// <exception cref="ArgumentException"><paramref name="token"/> is not one of <see cref="SpecialTokens"/>.</exception>
    public int SpecialTokenId(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        for (int i = 0; i < SpecialTokens.Count; i++)
            if (SpecialTokens[i] == token) return Tokens.Count + i;
        throw new ArgumentException($"'{token}' is not a special token; they are {string.Join(", ", SpecialTokens)}.", nameof(token));
    }

    /// <summary>
    /// Writes <c>tokenizer.json</c> and <c>tokenizer_config.json</c> (end of sequence <c>&lt;|im_end|&gt;</c>, padding
    /// <c>&lt;|endoftext|&gt;</c>) into <paramref name="folder"/> (created if missing), each through a temporary file
    /// so that a reader never sees half a file. <see cref="QwenTokenizer.Load"/> and <see cref="TextTokenizer.Load"/>
    /// read them back, as does Hugging Face <c>tokenizers</c>.
    /// </summary>
    public void Save(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Directory.CreateDirectory(folder);
        WriteAtomically(Path.Combine(folder, QwenTokenizer.FileName), HuggingFaceBpeFiles.TokenizerJson(this));
        WriteAtomically(Path.Combine(folder, QwenTokenizer.ConfigFileName), HuggingFaceBpeFiles.TokenizerConfigJson(this));
    }

    private static void WriteAtomically(string path, byte[] content)
    {
        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, content);
        File.Move(temporary, path, overwrite: true);
    }
}
