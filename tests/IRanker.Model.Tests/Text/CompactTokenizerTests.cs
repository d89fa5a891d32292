using IRanker.Model.Text;

namespace IRanker.Model.Tests.Text;

public class CompactTokenizerTests
{
    private static readonly string[] Corpus =
    [
        "<|im_start|>user\nWhich passage answers the query: capital of France?<|im_end|>\n<|im_start|>assistant\n<answer>passage 2</answer><|im_end|>",
        "The Matrix (1999), Toy Story (1995), Heat (1995)",
        "Paris is the capital of France. Café crème, naïve résumé.",
    ];

    [Fact]
    public void The_token_byte_table_agrees_with_the_base_tokenizer()
    {
        var gpt4 = Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt-4");
        Cl100kTokenBytes.ById.Should().HaveCount(100_256);
        Cl100kTokenBytes.ById.Values.Count(b => b.Length == 1).Should().Be(256);
        var strict = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);
        foreach (int id in Enumerable.Range(0, 100_256).Where(i => i % 97 == 0))
        {
            byte[] bytes = Cl100kTokenBytes.ById[id];
            string text;
            try { text = strict.GetString(bytes); } catch (System.Text.DecoderFallbackException) { continue; }
            gpt4.Decode([id]).Should().Be(text, $"token {id}");
        }
    }

    [Fact]
    public void Corpus_text_round_trips()
    {
        var tokenizer = CompactTokenizer.Build(Corpus);
        foreach (string text in Corpus) tokenizer.Decode(tokenizer.Encode(text)).Should().Be(text);
    }

    [Fact]
    public void Chat_tokens_and_unknown_have_fixed_ids()
    {
        var tokenizer = CompactTokenizer.Build(Corpus);
        tokenizer.PadTokenId.Should().Be(0);
        tokenizer.TokenToId("<|im_start|>").Should().Be(1);
        tokenizer.EndOfTurnId.Should().Be(2);
        tokenizer.UnknownTokenId.Should().Be(3);
        tokenizer.StopTokenIds.Should().Equal(2, 0);
        tokenizer.Encode("<|im_start|>user").First().Should().Be(1);
    }

    [Fact]
    public void The_vocabulary_holds_only_corpus_tokens_bytes_and_specials()
    {
        var withBytes = CompactTokenizer.Build(Corpus);
        var withoutBytes = CompactTokenizer.Build(Corpus, byteFallback: false);
        withBytes.VocabSize.Should().Be(withoutBytes.VocabSize + 256 - withoutBytes.BaseIds.Count(id => Cl100kTokenBytes.ById[id].Length == 1));
        withoutBytes.VocabSize.Should().BeLessThan(100).And.BeGreaterThan(4);
        withBytes.BaseIds.Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
    }

    [Fact]
    public void Unseen_text_becomes_unknown_without_byte_fallback()
    {
        var tokenizer = CompactTokenizer.Build(Corpus, byteFallback: false);
        var ids = tokenizer.Encode("Paris zebra");
        ids.Should().Contain(tokenizer.UnknownTokenId);
        tokenizer.Decode(ids).Should().StartWith("Paris<unk>").And.NotContain("zebra");
    }

    [Fact]
    public void Unseen_text_round_trips_through_bytes_with_byte_fallback()
    {
        var tokenizer = CompactTokenizer.Build(Corpus);
        const string unseen = "Zebras graze in Ōsaka 😀 — 12345";
        var ids = tokenizer.Encode(unseen);
        ids.Should().NotContain(tokenizer.UnknownTokenId);
        tokenizer.Decode(ids).Should().Be(unseen);
    }

    [Fact]
    public void Tokens_rarer_than_min_count_are_dropped()
    {
        string[] corpus = ["apple apple apple", "banana"];
        var all = CompactTokenizer.Build(corpus, byteFallback: false);
        var frequent = CompactTokenizer.Build(corpus, minCount: 2, byteFallback: false);
        all.Encode("banana").Should().NotContain(all.UnknownTokenId);
        frequent.Encode("banana").Should().OnlyContain(id => id == frequent.UnknownTokenId);
        frequent.Decode(frequent.Encode(" apple")).Should().Be(" apple");
    }

    [Fact]
    public void Building_twice_gives_the_same_ids_whatever_the_corpus_order()
    {
        var first = CompactTokenizer.Build(Corpus);
        var second = CompactTokenizer.Build(Corpus.Reverse());
        second.BaseIds.Should().Equal(first.BaseIds);
        second.Encode(Corpus[1]).Should().Equal(first.Encode(Corpus[1]));
    }

    [Fact]
    public void Save_then_load_gives_the_same_tokenizer()
    {
        string folder = Directory.CreateTempSubdirectory("compact-tokenizer-").FullName;
        try
        {
            var built = CompactTokenizer.Build(Corpus, byteFallback: false);
            built.Save(folder);
            var loaded = TextTokenizer.Load(folder);
            loaded.Should().BeOfType<CompactTokenizer>();
            var compact = (CompactTokenizer)loaded;
            compact.BaseIds.Should().Equal(built.BaseIds);
            compact.ByteFallback.Should().BeFalse();
            compact.VocabSize.Should().Be(built.VocabSize);
            foreach (string text in Corpus.Append("Paris zebra")) compact.Encode(text).Should().Equal(built.Encode(text));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void A_damaged_file_is_reported_with_its_path()
    {
        string folder = Directory.CreateTempSubdirectory("compact-tokenizer-bad-").FullName;
        try
        {
            string path = Path.Combine(folder, CompactTokenizer.FileName);
            File.WriteAllText(path, "{\"format\":\"IRanker.CompactTokenizer\",\"version\":1,\"base\":\"cl100k_base\",\"byteFallback\":false," +
                "\"specialTokens\":[\"<|endoftext|>\",\"<|im_start|>\",\"<|im_end|>\",\"<unk>\"],\"baseIds\":[5,3]}");
            var load = () => CompactTokenizer.Load(folder);
            load.Should().Throw<InvalidDataException>().WithMessage($"*{path}*ascending*");
            File.WriteAllText(path, "not json");
            load.Should().Throw<InvalidDataException>().WithMessage($"*{path}*not valid JSON*");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void Decoding_an_id_outside_the_vocabulary_names_the_id()
    {
        var tokenizer = CompactTokenizer.Build(Corpus);
        var decode = () => tokenizer.Decode([tokenizer.VocabSize]);
        decode.Should().Throw<ArgumentOutOfRangeException>().WithMessage($"*{tokenizer.VocabSize}*");
    }
}
