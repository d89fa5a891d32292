using System.Text.Encodings.Web;
using System.Text.Json;

namespace IRanker.Model.Text;

/// <summary>
/// The Hugging Face files of a <see cref="ByteLevelBpeVocabulary"/>, laid out as <c>tokenizers</c> writes them for
/// Qwen2: NFC normaliser, Split (Qwen2 regex, isolated) then ByteLevel pre-tokenizer, ByteLevel decoder and post
/// processor, a BPE model with <c>["left", "right"]</c> merges, and the special tokens as added tokens.
/// </summary>
internal static class HuggingFaceBpeFiles
{
    private const string ChatTemplate =
        "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] TokenizerJson(ByteLevelBpeVocabulary vocabulary) => Write(json =>
    {
        json.WriteString("version", "1.0");
        json.WriteNull("truncation");
        json.WriteNull("padding");
        json.WriteStartArray("added_tokens");
        foreach (string token in ByteLevelBpeVocabulary.SpecialTokens)
        {
            json.WriteStartObject();
            json.WriteNumber("id", vocabulary.SpecialTokenId(token));
            json.WriteString("content", token);
            json.WriteBoolean("single_word", false);
            json.WriteBoolean("lstrip", false);
            json.WriteBoolean("rstrip", false);
            json.WriteBoolean("normalized", false);
            json.WriteBoolean("special", true);
            json.WriteEndObject();
        }
        json.WriteEndArray();

        json.WriteStartObject("normalizer");
        json.WriteString("type", "NFC");
        json.WriteEndObject();

        json.WriteStartObject("pre_tokenizer");
        json.WriteString("type", "Sequence");
        json.WriteStartArray("pretokenizers");
        json.WriteStartObject();
        json.WriteString("type", "Split");
        json.WriteStartObject("pattern");
        json.WriteString("Regex", ByteLevelBpeTrainer.PreTokenizerPattern);
        json.WriteEndObject();
        json.WriteString("behavior", "Isolated");
        json.WriteBoolean("invert", false);
        json.WriteEndObject();
        json.WriteStartObject();
        WriteByteLevel(json);
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartObject("post_processor");
        WriteByteLevel(json);
        json.WriteEndObject();
        json.WriteStartObject("decoder");
        WriteByteLevel(json);
        json.WriteEndObject();

        json.WriteStartObject("model");
        json.WriteString("type", "BPE");
        json.WriteNull("dropout");
        json.WriteNull("unk_token");
        json.WriteString("continuing_subword_prefix", "");
        json.WriteString("end_of_word_suffix", "");
        json.WriteBoolean("fuse_unk", false);
        json.WriteBoolean("byte_fallback", false);
        json.WriteBoolean("ignore_merges", false);
        json.WriteStartObject("vocab");
        for (int id = 0; id < vocabulary.Tokens.Count; id++) json.WriteNumber(vocabulary.Tokens[id], id);
        json.WriteEndObject();
        json.WriteStartArray("merges");
        foreach (var (left, right) in vocabulary.Merges)
        {
            json.WriteStartArray();
            json.WriteStringValue(left);
            json.WriteStringValue(right);
            json.WriteEndArray();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    });

    public static byte[] TokenizerConfigJson(ByteLevelBpeVocabulary vocabulary) => Write(json =>
    {
        json.WriteBoolean("add_bos_token", false);
        json.WriteBoolean("add_prefix_space", false);
        json.WriteStartObject("added_tokens_decoder");
        foreach (string token in ByteLevelBpeVocabulary.SpecialTokens)
        {
            json.WriteStartObject(vocabulary.SpecialTokenId(token).ToString(System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("content", token);
            json.WriteBoolean("lstrip", false);
            json.WriteBoolean("normalized", false);
            json.WriteBoolean("rstrip", false);
            json.WriteBoolean("single_word", false);
            json.WriteBoolean("special", true);
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteStartArray("additional_special_tokens");
        json.WriteStringValue(Text.ChatTemplate.StartOfTurn);
        json.WriteStringValue(Text.ChatTemplate.EndOfTurn);
        json.WriteEndArray();
        json.WriteNull("bos_token");
        json.WriteString("chat_template", ChatTemplate);
        json.WriteBoolean("clean_up_tokenization_spaces", false);
        json.WriteString("eos_token", Text.ChatTemplate.EndOfTurn);
        json.WriteString("errors", "replace");
        json.WriteString("pad_token", Text.ChatTemplate.EndOfText);
        json.WriteBoolean("split_special_tokens", false);
        json.WriteString("tokenizer_class", "Qwen2Tokenizer");
        json.WriteNull("unk_token");
    });

    private static void WriteByteLevel(Utf8JsonWriter json)
    {
        json.WriteString("type", "ByteLevel");
        json.WriteBoolean("add_prefix_space", false);
        json.WriteBoolean("trim_offsets", false);
        json.WriteBoolean("use_regex", false);
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, Options))
        {
            json.WriteStartObject();
            body(json);
            json.WriteEndObject();
        }
        stream.WriteByte((byte)'\n');
        return stream.ToArray();
    }
}
