using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace IRanker.Model.Text;

/// <summary>
/// Learns a byte-level BPE vocabulary from a corpus, for models trained from scratch: the 256 byte tokens, the most
/// frequent merges, and the ChatML tokens. The result saves as a Hugging Face Qwen2-style <c>tokenizer.json</c>
/// that <see cref="QwenTokenizer"/> loads, and encodes any text with no unknown token.
/// </summary>
/// <remarks>
/// <para>Each text is first cut at the special tokens (<c>&lt;|endoftext|&gt;</c>, <c>&lt;|im_start|&gt;</c>,
/// <c>&lt;|im_end|&gt;</c>), which are skipped; each piece is normalised to NFC and split with Qwen2's pre-tokenizer
/// regex (<see cref="PreTokenizerPattern"/>), exactly as the saved file tells the loader to. The distinct words are
/// counted as UTF-8 byte sequences, then the most frequent adjacent pair is merged again and again. Pair counts are
/// kept and updated only for the words that hold the merged pair, so a few MB of text train in seconds.</para>
/// <para>Equal counts are broken by the pair's tokens in ordinal order, so the same corpus always gives the same file,
/// byte for byte.</para>
/// </remarks>
/// <example>
/// <code>
/// var vocabulary = ByteLevelBpeTrainer.TrainAndSave(trainingTexts, vocabSize: 4096, "models/tiny");
/// var tokenizer = TextTokenizer.Load("models/tiny");   // a QwenTokenizer with VocabSize 4096 (or less)
/// </code>
/// </example>
public static class ByteLevelBpeTrainer
{
    /// <summary>The pre-tokenizer regex of Qwen2 (and Qwen2.5, Qwen3), which the trainer splits with and the saved file declares.</summary>
    public const string PreTokenizerPattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    /// <summary>The smallest vocabulary: the 256 byte tokens and the three special tokens.</summary>
    public const int MinimumVocabSize = 256 + 3;

    private static readonly Lazy<Regex> PreTokenizer = new(() =>
        new Regex(AstralRegex.Rewrite(PreTokenizerPattern), RegexOptions.Compiled | RegexOptions.CultureInvariant));

    /// <summary>Learns merges from <paramref name="texts"/> until the vocabulary has <paramref name="vocabSize"/> tokens.</summary>
    /// <param name="texts">The corpus. Special tokens inside a text are not learnt across.</param>
    /// <param name="vocabSize">All tokens: 256 bytes, the merged tokens and the 3 special tokens; at least <see cref="MinimumVocabSize"/>.</param>
    /// <param name="minPairCount">The fewest occurrences a pair needs to be merged; training stops earlier (with a smaller vocabulary) when no pair has that many.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="vocabSize"/> is below <see cref="MinimumVocabSize"/> or <paramref name="minPairCount"/> below 1.</exception>
    /// <exception cref="ArgumentException">A text is null.</exception>
    public static ByteLevelBpeVocabulary Train(IEnumerable<string> texts, int vocabSize, int minPairCount = 2)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (vocabSize < MinimumVocabSize)
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize,
                $"vocabSize must be at least {MinimumVocabSize}: 256 byte tokens and the 3 special tokens {string.Join(", ", ByteLevelBpeVocabulary.SpecialTokens)}.");
        if (minPairCount < 1)
            throw new ArgumentOutOfRangeException(nameof(minPairCount), minPairCount, "minPairCount must be at least 1.");

        var (words, frequencies) = CountWords(texts);
        return Merge(words, frequencies, vocabSize - ByteLevelBpeVocabulary.SpecialTokens.Count, minPairCount);
    }

    /// <summary>Trains as <see cref="Train"/> does and saves the Hugging Face files into <paramref name="folder"/>.</summary>
    /// <param name="texts">The corpus.</param>
    /// <param name="vocabSize">All tokens, special tokens included; at least <see cref="MinimumVocabSize"/>.</param>
    /// <param name="folder">The model folder (created if missing).</param>
    /// <param name="minPairCount">The fewest occurrences a pair needs to be merged.</param>
    public static ByteLevelBpeVocabulary TrainAndSave(IEnumerable<string> texts, int vocabSize, string folder, int minPairCount = 2)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        var vocabulary = Train(texts, vocabSize, minPairCount);
        vocabulary.Save(folder);
        return vocabulary;
    }

    /// <summary>The distinct pre-tokenized words as byte sequences, with how often each occurs.</summary>
    private static (List<int[]> Words, List<long> Frequencies) CountWords(IEnumerable<string> texts)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var lookup = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        var regex = PreTokenizer.Value;
        foreach (string text in texts)
        {
            if (text is null) throw new ArgumentException("The corpus holds a null text; pass strings only.", nameof(texts));
            int start = 0;
            while (start < text.Length)
            {
                var (at, length) = NextSpecial(text, start);
                string piece = text[start..at];
                if (!piece.IsNormalized(NormalizationForm.FormC)) piece = piece.Normalize(NormalizationForm.FormC);
                foreach (var match in regex.EnumerateMatches(piece))
                    CollectionsMarshal.GetValueRefOrAddDefault(lookup, piece.AsSpan(match.Index, match.Length), out _)++;
                start = at + length;
            }
        }

        var words = new List<int[]>(counts.Count);
        var frequencies = new List<long>(counts.Count);
        foreach (var (word, count) in counts)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(word);
            words.Add(Array.ConvertAll(bytes, b => (int)b));
            frequencies.Add(count);
        }
        return (words, frequencies);
    }

    /// <summary>The first special token at or after <paramref name="start"/> (position and length), or the text's end.</summary>
    private static (int At, int Length) NextSpecial(string text, int start)
    {
        (int At, int Length) first = (text.Length, 0);
        foreach (string special in ByteLevelBpeVocabulary.SpecialTokens)
        {
            int at = text.IndexOf(special, start, first.At - start, StringComparison.Ordinal);
            if (at >= 0) first = (at, special.Length);
        }
        return first;
    }

    private static ByteLevelBpeVocabulary Merge(List<int[]> words, List<long> frequencies, int maxTokens, int minPairCount)
    {
        var tokens = new List<string>(maxTokens);
        for (int b = 0; b < 256; b++) tokens.Add(ByteLevelAlphabet.ToChar((byte)b).ToString());
        var tokenIds = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++) tokenIds[tokens[i]] = i;
        var merges = new List<(string Left, string Right)>();

        var pairCounts = new Dictionary<long, long>();
        var wordsWithPair = new Dictionary<long, HashSet<int>>();
        for (int w = 0; w < words.Count; w++)
        {
            int[] word = words[w];
            for (int i = 0; i + 1 < word.Length; i++)
            {
                long pair = Pair(word[i], word[i + 1]);
                CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, pair, out _) += frequencies[w];
                WordsWith(wordsWithPair, pair).Add(w);
            }
        }

        // Most frequent first; equal counts by the left token, then the right one, in ordinal order. Entries go stale
        // when a count changes; every change enqueues the new count, and a dequeued entry that is not current is skipped.
        var queue = new PriorityQueue<long, (long Count, long Pair)>(Comparer<(long Count, long Pair)>.Create((x, y) =>
        {
            if (x.Count != y.Count) return y.Count.CompareTo(x.Count);
            int left = string.CompareOrdinal(tokens[Left(x.Pair)], tokens[Left(y.Pair)]);
            return left != 0 ? left : string.CompareOrdinal(tokens[Right(x.Pair)], tokens[Right(y.Pair)]);
        }));
        foreach (var (pair, count) in pairCounts) queue.Enqueue(pair, (count, pair));

        var deltas = new Dictionary<long, long>();
        while (tokens.Count < maxTokens && queue.TryDequeue(out long best, out var entry))
        {
            if (!pairCounts.TryGetValue(best, out long count) || count != entry.Count) continue;
            if (count < minPairCount) break;

            int a = Left(best), b = Right(best);
            string merged = tokens[a] + tokens[b];
            // Two merges can spell the same token ("ab"+"c", "a"+"bc"); the second one reuses its id, as Hugging Face's trainer does.
            if (!tokenIds.TryGetValue(merged, out int id))
            {
                id = tokens.Count;
                tokens.Add(merged);
                tokenIds[merged] = id;
            }
            merges.Add((tokens[a], tokens[b]));

            deltas.Clear();
            foreach (int w in wordsWithPair[best])
            {
                int[] word = words[w];
                long frequency = frequencies[w];
                int[]? rewritten = Apply(word, a, b, id);
                if (rewritten is null) continue;
                for (int i = 0; i + 1 < word.Length; i++)
                    CollectionsMarshal.GetValueRefOrAddDefault(deltas, Pair(word[i], word[i + 1]), out _) -= frequency;
                for (int i = 0; i + 1 < rewritten.Length; i++)
                {
                    long pair = Pair(rewritten[i], rewritten[i + 1]);
                    CollectionsMarshal.GetValueRefOrAddDefault(deltas, pair, out _) += frequency;
                    if (rewritten[i] == id || rewritten[i + 1] == id) WordsWith(wordsWithPair, pair).Add(w);
                }
                words[w] = rewritten;
            }
            wordsWithPair.Remove(best);

            foreach (var (pair, delta) in deltas)
            {
                if (delta == 0) continue;
                ref long current = ref CollectionsMarshal.GetValueRefOrAddDefault(pairCounts, pair, out _);
                current += delta;
                if (current > 0) queue.Enqueue(pair, (current, pair));
                else pairCounts.Remove(pair);
            }
        }
        return new ByteLevelBpeVocabulary(tokens, merges);
    }

    /// <summary>The word with every (a, b) replaced by <paramref name="merged"/>, left to right; null if it holds no (a, b).</summary>
    private static int[]? Apply(int[] word, int a, int b, int merged)
    {
        int first = -1;
        for (int i = 0; i + 1 < word.Length && first < 0; i++)
            if (word[i] == a && word[i + 1] == b) first = i;
        if (first < 0) return null;

        var output = new int[word.Length - 1];
        Array.Copy(word, output, first);
        int length = first;
        for (int i = first; i < word.Length; i++)
        {
            if (i + 1 < word.Length && word[i] == a && word[i + 1] == b)
            {
                output[length++] = merged;
                i++;
            }
            else output[length++] = word[i];
        }
        return length == output.Length ? output : output[..length];
    }

    private static HashSet<int> WordsWith(Dictionary<long, HashSet<int>> wordsWithPair, long pair)
    {
        ref var set = ref CollectionsMarshal.GetValueRefOrAddDefault(wordsWithPair, pair, out _);
        return set ??= [];
    }

    private static long Pair(int left, int right) => ((long)left << 32) | (uint)right;

    private static int Left(long pair) => (int)(pair >> 32);

    private static int Right(long pair) => (int)(uint)pair;
}
