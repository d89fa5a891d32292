using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using TorchSharp;

namespace IRanker.Model.Modeling;

/// <summary>
/// The shape of a Qwen2/Qwen2.5 causal language model, read from and written to a Hugging Face <c>config.json</c>.
/// </summary>
/// <remarks>
/// Property names follow the Hugging Face keys (snake_case). The rotary base is read from either layout:
/// a top-level <c>rope_theta</c> (transformers 4) or <c>rope_parameters.rope_theta</c> (transformers 5).
/// The storage dtype is read from <c>torch_dtype</c> or <c>dtype</c>.
/// </remarks>
/// <example>
/// <code>
/// var config = Qwen2Config.FromFile("models/qwen2.5-0.5b/config.json");
/// var tiny = Qwen2Config.Tiny(vocabSize: 512);
/// tiny.Save("out/config.json");
/// </code>
/// </example>
public sealed class Qwen2Config
{
    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    /// <summary>Width of the residual stream.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 896;

    /// <summary>Number of decoder layers.</summary>
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 24;

    /// <summary>Number of query heads.</summary>
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 14;

    /// <summary>Number of key/value heads (grouped-query attention); divides <see cref="NumAttentionHeads"/>.</summary>
    [JsonPropertyName("num_key_value_heads")] public int NumKeyValueHeads { get; set; } = 2;

    /// <summary>Width of the SwiGLU MLP.</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 4864;

    /// <summary>Number of token ids.</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 151936;

    /// <summary>Epsilon of every RMSNorm.</summary>
    [JsonPropertyName("rms_norm_eps")] public double RmsNormEps { get; set; } = 1e-6;

    /// <summary>Rotary embedding base (theta).</summary>
    [JsonPropertyName("rope_theta")] public double RopeTheta { get; set; } = 1_000_000.0;

    /// <summary>Whether the LM head shares its weight with the token embedding.</summary>
    [JsonPropertyName("tie_word_embeddings")] public bool TieWordEmbeddings { get; set; } = true;

    /// <summary>Storage dtype of the checkpoint (<c>float32</c>, <c>bfloat16</c>, <c>float16</c>).</summary>
    [JsonPropertyName("torch_dtype")] public string TorchDtype { get; set; } = "float32";

    /// <summary>Longest position the model was trained for.</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 32768;

    /// <summary>Beginning-of-sequence token id, when the model has one.</summary>
    [JsonPropertyName("bos_token_id")] public int? BosTokenId { get; set; }

    /// <summary>End-of-sequence token id, when the model has one.</summary>
    [JsonPropertyName("eos_token_id")] public int? EosTokenId { get; set; }

    /// <summary>Architecture name written for Hugging Face loaders.</summary>
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "qwen2";

    /// <summary>Width of one attention head: <see cref="HiddenSize"/> / <see cref="NumAttentionHeads"/>.</summary>
    [JsonIgnore] public int HeadDim => HiddenSize / NumAttentionHeads;

    /// <summary>The storage dtype as a TorchSharp scalar type.</summary>
    [JsonIgnore]
    public torch.ScalarType StorageDType => TorchDtype switch
    {
        "bfloat16" => torch.ScalarType.BFloat16,
        "float16" => torch.ScalarType.Float16,
        _ => torch.ScalarType.Float32,
    };

    /// <summary>A 2-layer model (hidden 64, 4 heads, 2 KV heads) for tests and from-scratch experiments.</summary>
    /// <param name="vocabSize">Number of token ids.</param>
    public static Qwen2Config Tiny(int vocabSize) => new()
    {
        HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        IntermediateSize = 160, VocabSize = vocabSize, MaxPositionEmbeddings = 2048, TieWordEmbeddings = true,
    };

    /// <summary>
    /// A 2-layer model (hidden 128, 4 heads, 2 KV heads, about 0.3 M parameters besides the embeddings) that learns
    /// elimination from scratch on two CPU cores in minutes (the quickstart's model).
    /// </summary>
    /// <param name="vocabSize">Number of token ids.</param>
    public static Qwen2Config Small(int vocabSize) => new()
    {
        HiddenSize = 128, NumHiddenLayers = 2, NumAttentionHeads = 4, NumKeyValueHeads = 2,
        IntermediateSize = 384, VocabSize = vocabSize, MaxPositionEmbeddings = 4096, TieWordEmbeddings = true,
    };

    /// <summary>The shape of Qwen2.5-0.5B (0.49 B parameters, tied embeddings).</summary>
    public static Qwen2Config Qwen25_0_5B() => new()
    {
        HiddenSize = 896, NumHiddenLayers = 24, NumAttentionHeads = 14, NumKeyValueHeads = 2,
        IntermediateSize = 4864, VocabSize = 151936, MaxPositionEmbeddings = 32768, TieWordEmbeddings = true,
        TorchDtype = "bfloat16", BosTokenId = 151643, EosTokenId = 151643,
    };

    /// <summary>The shape of Qwen2.5-3B (3.09 B parameters, tied embeddings).</summary>
    public static Qwen2Config Qwen25_3B() => new()
    {
        HiddenSize = 2048, NumHiddenLayers = 36, NumAttentionHeads = 16, NumKeyValueHeads = 2,
        IntermediateSize = 11008, VocabSize = 151936, MaxPositionEmbeddings = 32768, TieWordEmbeddings = true,
        TorchDtype = "bfloat16", BosTokenId = 151643, EosTokenId = 151643,
    };

    /// <summary>Reads a Hugging Face <c>config.json</c>.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a valid Qwen2 config; the message names the file and the field.</exception>
    public static Qwen2Config FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Model config '{path}' does not exist.", path);
        return Parse(File.ReadAllText(path), path);
    }

    /// <summary>Parses the text of a <c>config.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static Qwen2Config Parse(string json, string source = "config.json")
    {
        JsonObject root;
        try { root = JsonNode.Parse(json)?.AsObject() ?? throw new InvalidDataException($"'{source}' is empty."); }
        catch (JsonException e) { throw new InvalidDataException($"'{source}' is not valid JSON: {e.Message}", e); }

        var config = root.Deserialize<Qwen2Config>() ?? new Qwen2Config();
        if (root["rope_theta"] is null && root["rope_parameters"]?["rope_theta"] is JsonValue theta)
            config.RopeTheta = theta.GetValue<double>();
        if (root["torch_dtype"] is null && root["dtype"] is JsonValue dtype)
            config.TorchDtype = dtype.GetValue<string>();
        config.Validate(source);
        return config;
    }

    /// <summary>Writes this config as a Hugging Face <c>config.json</c> (atomically: a temporary file, then a rename).</summary>
    public void Save(string path)
    {
        var node = JsonSerializer.SerializeToNode(this, WriteOptions)!.AsObject();
        node["architectures"] = new JsonArray("Qwen2ForCausalLM");
        node["hidden_act"] = "silu";
        node["use_sliding_window"] = false;
        node["attention_dropout"] = 0.0;
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        File.WriteAllText(temp, node.ToJsonString(WriteOptions));
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Checks that the shapes are consistent.</summary>
    /// <exception cref="InvalidDataException">A field is out of range; the message names it.</exception>
    public void Validate(string source = "config")
    {
        void Require(bool ok, string what)
        {
            if (!ok) throw new InvalidDataException($"'{source}': {what}");
        }
        Require(HiddenSize > 0, $"hidden_size must be positive (is {HiddenSize}).");
        Require(NumHiddenLayers > 0, $"num_hidden_layers must be positive (is {NumHiddenLayers}).");
        Require(NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads == 0,
            $"num_attention_heads ({NumAttentionHeads}) must divide hidden_size ({HiddenSize}).");
        Require(NumKeyValueHeads > 0 && NumAttentionHeads % NumKeyValueHeads == 0,
            $"num_key_value_heads ({NumKeyValueHeads}) must divide num_attention_heads ({NumAttentionHeads}).");
        Require(HeadDim % 2 == 0, $"the head width hidden_size/num_attention_heads ({HeadDim}) must be even for rotary embeddings.");
        Require(IntermediateSize > 0, $"intermediate_size must be positive (is {IntermediateSize}).");
        Require(VocabSize > 0, $"vocab_size must be positive (is {VocabSize}).");
        Require(TorchDtype is "float32" or "bfloat16" or "float16",
            $"torch_dtype '{TorchDtype}' is not supported; use float32, bfloat16 or float16.");
    }
}
