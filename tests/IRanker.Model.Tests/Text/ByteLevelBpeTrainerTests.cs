using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IRanker.Model.Text;

namespace IRanker.Model.Tests.Text;

public class ByteLevelBpeTrainerTests
{
    private const int VocabSize = 700;

    private static readonly string[] Words =
    [
        "the", "passage", "ranking", "query", "relevant", "document", "answer", "candidate", "model", "token",
        "of", "and", "to", "is", "in", "best", "which", "question", "search", "result", "score", "first",
    ];

    /// <summary>One vocabulary trained on the shared corpus and the folder it was saved into, for the tests that only read them.</summary>
    private static readonly Lazy<(ByteLevelBpeVocabulary Vocabulary, string Folder)> Shared = new(() =>
    {
        string folder = Directory.CreateTempSubdirectory("bpe-trainer-").FullName;
        return (ByteLevelBpeTrainer.TrainAndSave(Corpus(seed: 1, sentences: 3000), VocabSize, folder), folder);
    });

    private static string TrainedFolder => Shared.Value.Folder;

    [Fact]
    public void The_saved_folder_loads_as_a_Qwen_tokenizer_with_ChatML_tokens_at_the_end()
    {
        var vocabulary = ByteLevelBpeTrainer.Train(Corpus(seed: 1, sentences: 3000), VocabSize);
        vocabulary.VocabSize.Should().Be(VocabSize);

        var tokenizer = QwenTokenizer.Load(TrainedFolder);
        tokenizer.VocabSize.Should().Be(VocabSize);
        tokenizer.TokenToId("<|endoftext|>").Should().Be(VocabSize - 3);
        tokenizer.TokenToId("<|im_start|>").Should().Be(VocabSize - 2);
        tokenizer.EndOfTurnId.Should().Be(VocabSize - 1).And.Be(vocabulary.SpecialTokenId("<|im_end|>"));
        tokenizer.PadTokenId.Should().Be(VocabSize - 3);
        tokenizer.StopTokenIds.Should().Equal(VocabSize - 1, VocabSize - 3);
        tokenizer.TokenToId("!").Should().Be('!');
        tokenizer.TokenToId("Ā").Should().Be(0, "byte 0 is the first token");

        var loaded = TextTokenizer.Load(TrainedFolder);
        loaded.Should().BeOfType<QwenTokenizer>();
        loaded.Encode("the best passage").Should().Equal(tokenizer.Encode("the best passage"));
    }

    [Fact]
    public void A_corpus_that_runs_out_of_pairs_gives_a_smaller_vocabulary()
    {
        var vocabulary = ByteLevelBpeTrainer.Train(["abc abc abc", "xyz"], vocabSize: 1000);
        // The words "abc", " abc" (twice) and "xyz": a-b and b-c occur 3 times (a-b first, by order), space-abc twice, x-y and y-z once.
        vocabulary.Merges.Select(m => m.Left + " " + m.Right).Should().Equal("a b", "ab c", "Ġ abc");
        vocabulary.VocabSize.Should().Be(256 + 3 + 3);
        ByteLevelBpeTrainer.Train(["abc abc abc", "xyz"], vocabSize: 1000, minPairCount: 1).VocabSize
            .Should().BeGreaterThan(vocabulary.VocabSize, "with minPairCount 1 the pairs of xyz are merged too");
    }

    [Fact]
    public void Frequent_corpus_words_are_single_tokens()
    {
        var tokenizer = QwenTokenizer.Load(TrainedFolder);
        foreach (string word in new[] { " passage", " ranking", " document", " relevant" })
            tokenizer.Encode(word).Should().HaveCount(1, $"'{word}' is frequent in the corpus");
        tokenizer.Encode(" zqxjv").Should().HaveCountGreaterThan(1, "a word never seen is spelt in smaller pieces");
    }

    [Theory]
    [InlineData("café naïve résumé Ångström")]
    [InlineData("東京で検索する 검색 поиск")]
    [InlineData("emoji 😀👍🏽 and astral 𝐀𝐁 𠜎 letters")]
    [InlineData("tabs\tand\r\nnewlines\n\n  indented")]
    [InlineData("digits 1234567890 and 3.14159")]
    [InlineData("a turn<|im_end|>\n<|im_start|>user\nnext")]
    [InlineData("\u0000\u0001 control \u007f bytes")]
    public void Any_text_encodes_below_the_vocabulary_size_and_decodes_back(string text)
    {
        var tokenizer = QwenTokenizer.Load(TrainedFolder);
        var ids = tokenizer.Encode(text);
        ids.Should().OnlyContain(id => id >= 0 && id < tokenizer.VocabSize);
        tokenizer.Decode(ids).Should().Be(text);
    }

    [Fact]
    public void Special_tokens_in_the_text_encode_as_their_single_ids()
    {
        var tokenizer = QwenTokenizer.Load(TrainedFolder);
        var ids = tokenizer.Encode("passage<|im_end|>");
        ids.Should().HaveCount(2);
        ids[1].Should().Be(tokenizer.EndOfTurnId);
    }

    [Fact]
    public void Training_twice_gives_byte_identical_files()
    {
        string other = Directory.CreateTempSubdirectory("bpe-trainer-").FullName;
        try
        {
            ByteLevelBpeTrainer.TrainAndSave(Corpus(seed: 1, sentences: 3000), VocabSize, other);
            foreach (string file in new[] { "tokenizer.json", "tokenizer_config.json" })
                File.ReadAllBytes(Path.Combine(other, file)).Should().Equal(File.ReadAllBytes(Path.Combine(TrainedFolder, file)));
            Directory.GetFiles(other).Select(Path.GetFileName).Should().BeEquivalentTo(["tokenizer.json", "tokenizer_config.json"], "no temporary file is left");
        }
        finally { Directory.Delete(other, recursive: true); }
    }

    [Fact]
    public void The_files_have_the_layout_of_a_Qwen2_tokenizer()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TrainedFolder, "tokenizer.json")));
        var root = document.RootElement;
        root.GetProperty("normalizer").GetProperty("type").GetString().Should().Be("NFC");
        var steps = root.GetProperty("pre_tokenizer").GetProperty("pretokenizers");
        steps[0].GetProperty("type").GetString().Should().Be("Split");
        steps[0].GetProperty("pattern").GetProperty("Regex").GetString().Should().Be(ByteLevelBpeTrainer.PreTokenizerPattern);
        steps[0].GetProperty("behavior").GetString().Should().Be("Isolated");
        steps[1].GetProperty("type").GetString().Should().Be("ByteLevel");
        steps[1].GetProperty("use_regex").GetBoolean().Should().BeFalse();
        root.GetProperty("decoder").GetProperty("type").GetString().Should().Be("ByteLevel");
        root.GetProperty("post_processor").GetProperty("type").GetString().Should().Be("ByteLevel");
        var model = root.GetProperty("model");
        model.GetProperty("type").GetString().Should().Be("BPE");
        model.GetProperty("byte_fallback").GetBoolean().Should().BeFalse();
        model.GetProperty("merges")[0].GetArrayLength().Should().Be(2, "merges are [left, right] pairs, as in Qwen's file");
        root.GetProperty("added_tokens").EnumerateArray().Select(t => t.GetProperty("content").GetString())
            .Should().Equal("<|endoftext|>", "<|im_start|>", "<|im_end|>");
        root.GetProperty("added_tokens").EnumerateArray().Should().OnlyContain(t => t.GetProperty("special").GetBoolean());

        using var config = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TrainedFolder, "tokenizer_config.json")));
        config.RootElement.GetProperty("eos_token").GetString().Should().Be("<|im_end|>");
        config.RootElement.GetProperty("pad_token").GetString().Should().Be("<|endoftext|>");
    }

    [Fact]
    public void No_merge_is_learnt_across_or_inside_a_special_token()
    {
        var corpus = Enumerable.Repeat("xx<|im_end|>yy<|im_start|>zz<|endoftext|>", 50);
        var vocabulary = ByteLevelBpeTrainer.Train(corpus, vocabSize: 400, minPairCount: 1);
        vocabulary.Tokens.Skip(256).Should().BeEquivalentTo(["xx", "yy", "zz"]);
        vocabulary.Tokens.Skip(256).Should().NotContain(t => t.Contains('<') || t.Contains('>') || t.Contains('|'));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(258)]
    public void A_vocabulary_smaller_than_the_bytes_and_specials_is_refused(int vocabSize)
    {
        var act = () => ByteLevelBpeTrainer.Train(["some text"], vocabSize);
        act.Should().Throw<ArgumentException>().WithParameterName("vocabSize").WithMessage("*259*");
        ByteLevelBpeTrainer.Train(["some text"], 259).VocabSize.Should().Be(259);
    }

    [Fact]
    public void Encoding_agrees_with_the_learnt_merges_applied_by_rank()
    {
        // Ranks and ids as the trainer learnt them, not as read back from the file: a file whose merges were
        // written in another order would encode differently.
        var vocabulary = Shared.Value.Vocabulary;
        var ids = vocabulary.Tokens.Select((token, id) => (token, id)).ToDictionary(t => t.token, t => t.id);
        var ranks = new Dictionary<(string, string), int>();
        foreach (var merge in vocabulary.Merges) ranks.TryAdd(merge, ranks.Count);
        ranks.Should().HaveCountGreaterThan(400);

        var tokenizer = QwenTokenizer.Load(TrainedFolder);
        var regex = new Regex(AstralRegex.Rewrite(ByteLevelBpeTrainer.PreTokenizerPattern));
        var random = new Random(7);
        for (int n = 0; n < 300; n++)
        {
            string sentence = RandomSentence(random);
            var expected = regex.Matches(sentence.Normalize(NormalizationForm.FormC))
                .SelectMany(m => ApplyMergesByRank(ByteLevel(m.Value), ranks))
                .Select(token => ids[token]);
            tokenizer.Encode(sentence).Should().Equal(expected, $"'{sentence}' is encoded by rank of the merges");
        }
    }

    /// <summary>The textbook BPE: merge the adjacent pair of lowest rank (every occurrence, left to right) until none is left.</summary>
    private static List<string> ApplyMergesByRank(List<string> symbols, Dictionary<(string, string), int> ranks)
    {
        while (true)
        {
            int best = int.MaxValue;
            for (int i = 0; i + 1 < symbols.Count; i++)
                if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out int rank) && rank < best) best = rank;
            if (best == int.MaxValue) return symbols;
            var merged = new List<string>();
            for (int i = 0; i < symbols.Count; i++)
            {
                if (i + 1 < symbols.Count && ranks.TryGetValue((symbols[i], symbols[i + 1]), out int rank) && rank == best)
                {
                    merged.Add(symbols[i] + symbols[i + 1]);
                    i++;
                }
                else merged.Add(symbols[i]);
            }
            symbols = merged;
        }
    }

    /// <summary>GPT-2's byte-to-character mapping, written out independently of the library.</summary>
    private static List<string> ByteLevel(string piece)
    {
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range(0xA1, 0xAC - 0xA1 + 1)).Concat(Enumerable.Range(0xAE, 0xFF - 0xAE + 1)).ToHashSet();
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) map[b] = printable.Contains(b) ? (char)b : (char)next++;
        return Encoding.UTF8.GetBytes(piece).Select(b => map[b].ToString()).ToList();
    }

    private static string RandomSentence(Random random)
    {
        string[] extras = ["zqx", "Ünïcödé", "数据", "😀", "42", "3.5", "  ", "\n", "!?", "'s", "don't", "RANKING", "passages"];
        var parts = Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(4) == 0
            ? extras[random.Next(extras.Length)]
            : Words[random.Next(Words.Length)] + (random.Next(5) == 0 ? ((char)('a' + random.Next(26))).ToString() : ""));
        return string.Join(random.Next(6) == 0 ? "" : " ", parts) + (random.Next(2) == 0 ? "." : "");
    }

    /// <summary>Sentences of the common <see cref="Words"/> and of made-up words drawn with Zipf-like frequencies.</summary>
    private static IEnumerable<string> Corpus(int seed, int sentences)
    {
        string[] syllables = ["ka", "ro", "mi", "tes", "un", "por", "le", "za", "bri", "on", "que", "dal", "fi", "ster", "gu"];
        var made = new Random(99);
        var madeUp = Enumerable.Range(0, 1500)
            .Select(_ => string.Concat(Enumerable.Range(0, made.Next(1, 5)).Select(_ => syllables[made.Next(syllables.Length)])))
            .ToArray();
        var random = new Random(seed);
        for (int n = 0; n < sentences; n++)
        {
            var words = Enumerable.Range(0, random.Next(3, 15)).Select(_ => random.Next(2) == 0
                ? Words[(int)(Words.Length * Math.Pow(random.NextDouble(), 2))]
                : madeUp[(int)(madeUp.Length * Math.Pow(random.NextDouble(), 3))]);
            yield return string.Join(" ", words) + (random.Next(3) == 0 ? $", {random.Next(1000)}." : ".\n");
        }
    }
}
