using System.Text.RegularExpressions;
using IRanker.Model.Text;

namespace IRanker.Model.Tests.Text;

public class QwenTokenizerTests
{
    public static IEnumerable<object[]> Cases() => TokenizerCase.All();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encoding_gives_the_ids_of_Hugging_Face_tokenizers(TokenizerCase c)
    {
        TestTokenizers.From(c.TokenizerFolder).Encode(c.Text).Should().Equal(c.Ids);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decoding_the_encoding_gives_the_text_back(TokenizerCase c)
    {
        var tokenizer = TestTokenizers.From(c.TokenizerFolder);
        tokenizer.Decode(tokenizer.Encode(c.Text)).Should().Be(c.Text);
    }

    [Fact]
    public void Chat_tokens_have_the_ids_of_the_file()
    {
        var tokenizer = TestTokenizers.Qwen;
        tokenizer.EndOfTurnId.Should().Be(151645);
        tokenizer.PadTokenId.Should().Be(151643);
        tokenizer.StopTokenIds.Should().Equal(151645, 151643);
        tokenizer.TokenToId("<|im_start|>").Should().Be(151644);
        tokenizer.TokenToId("<think>").Should().Be(151667);
        tokenizer.TokenToId("Hello").Should().Be(9707);
        tokenizer.TokenToId("no such token at all").Should().BeNull();
        tokenizer.VocabSize.Should().Be(151669);
    }

    [Fact]
    public void Special_tokens_inside_text_are_single_ids()
    {
        var tokenizer = TestTokenizers.Qwen;
        var ids = tokenizer.Encode("a<|im_end|>b<think>c");
        ids.Should().Contain(151645).And.Contain(151667);
        ids.Should().HaveCount(5);
    }

    [Fact]
    public void Text_is_normalised_to_NFC_before_encoding()
    {
        var tokenizer = TestTokenizers.Qwen;
        // "é" written as e + combining acute accent encodes as the precomposed "é".
        tokenizer.Encode("caf\u0065\u0301").Should().Equal(tokenizer.Encode("caf\u00e9"));
    }

    [Fact]
    public void The_rewritten_regex_treats_astral_letters_and_digits_as_letters_and_digits()
    {
        const string pattern = @"[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";
        var regex = new Regex(AstralRegex.Rewrite(pattern));
        // U+1D400 (bold capital A) is a letter, U+1D7D9 (double-struck one) a digit, U+1F600 (grinning face) neither,
        // so the face goes with the space before it (" ?[^\s\p{L}\p{N}]+") and not with the letter after it.
        string text = "a\U0001D400b 12\U0001D7D9 \U0001F600x";
        regex.Matches(text).Select(m => m.Value).Should().Equal("a\U0001D400b", " ", "1", "2", "\U0001D7D9", " \U0001F600", "x");
        // Unchanged, .NET would cut the bold A out of its word.
        new Regex(pattern).Matches(text).Select(m => m.Value).First().Should().Be("a");
    }

    [Fact]
    public void Save_then_load_gives_the_same_tokenizer()
    {
        string folder = Directory.CreateTempSubdirectory("qwen-tokenizer-").FullName;
        try
        {
            TestTokenizers.Qwen.Save(folder);
            File.ReadAllBytes(Path.Combine(folder, "tokenizer.json")).Should().Equal(File.ReadAllBytes(Path.Combine(TestTokenizers.QwenFolder, "tokenizer.json")));
            var loaded = TextTokenizer.Load(folder);
            loaded.Should().BeOfType<QwenTokenizer>();
            loaded.Encode("passage 3: The quick brown fox").Should().Equal(TestTokenizers.Qwen.Encode("passage 3: The quick brown fox"));
            loaded.PadTokenId.Should().Be(TestTokenizers.Qwen.PadTokenId);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void A_folder_without_tokenizer_files_is_reported_with_what_to_do()
    {
        string folder = Directory.CreateTempSubdirectory("no-tokenizer-").FullName;
        try
        {
            var load = () => TextTokenizer.Load(folder);
            load.Should().Throw<FileNotFoundException>().WithMessage("*tokenizer.json*compact-tokenizer.json*Copy*");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void A_broken_tokenizer_json_is_reported_with_its_path()
    {
        string folder = Directory.CreateTempSubdirectory("bad-tokenizer-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{ \"model\": ");
            var load = () => TextTokenizer.Load(folder);
            load.Should().Throw<InvalidDataException>().WithMessage($"*{Path.Combine(folder, "tokenizer.json")}*not valid JSON*");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void A_tokenizer_of_another_kind_is_refused_by_name()
    {
        string folder = Directory.CreateTempSubdirectory("wordpiece-tokenizer-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "tokenizer.json"), "{ \"model\": { \"type\": \"WordPiece\", \"vocab\": {} } }");
            var load = () => TextTokenizer.Load(folder);
            load.Should().Throw<NotSupportedException>().WithMessage("*WordPiece*byte-level BPE*");
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
