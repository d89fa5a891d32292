using IRanker.Model.Checkpoints;
using IRanker.Model.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// A Qwen2/Qwen2.5 causal language model: the decoder (<see cref="Qwen2Model"/>) and the LM head, which is
/// the token embedding itself when <see cref="Qwen2Config.TieWordEmbeddings"/> is set (one shared parameter).
/// </summary>
/// <remarks>
/// Parameter names equal Hugging Face state-dict keys (<c>model.layers.0.self_attn.q_proj.weight</c>, ...), so a
/// Hugging Face folder loads by name (<see cref="FromPretrained"/>) and a saved folder loads in transformers
/// (<see cref="SavePretrained"/>).
/// </remarks>
/// <example>
/// <code>
/// var model = Qwen2ForCausalLM.FromPretrained("models/qwen2.5-0.5b", torch.CPU, torch.ScalarType.Float32);
/// using var output = model.Forward(inputIds, attentionMask, logitPositions: lastIndex); // logits [batch, 1, vocab]
/// </code>
/// </example>
public sealed class Qwen2ForCausalLM : nn.Module
{
    /// <summary>Name of the untied LM head weight in Hugging Face checkpoints.</summary>
    public const string LmHeadWeightName = "lm_head.weight";

    // Field names equal Hugging Face state-dict keys.
    private readonly Qwen2Model model;
    private readonly Linear? lm_head;

    /// <summary>Creates a randomly initialised model of the given shape on the CPU in float32.</summary>
    public Qwen2ForCausalLM(Qwen2Config config) : base("Qwen2ForCausalLM")
    {
        TorchRuntime.EnsureInitialized();
        Config = config;
        model = new Qwen2Model("model", config);
        if (!config.TieWordEmbeddings) lm_head = nn.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
        RegisterComponents();
    }

    /// <summary>The model's shape.</summary>
    public Qwen2Config Config { get; }

    /// <summary>The decoder.</summary>
    public Qwen2Model Decoder => model;

    /// <summary>The LM head weight [vocab, hidden]: the very same parameter object as the embedding when tied.</summary>
    public Parameter LmHeadWeight => lm_head?.weight ?? model.EmbeddingWeight;

    /// <summary>Device of the parameters.</summary>
    public Device Device => model.EmbeddingWeight.device;

    /// <summary>Compute dtype of the parameters.</summary>
    public ScalarType DType => model.EmbeddingWeight.dtype;

    /// <summary>Number of distinct parameters' elements (a tied head counts once).</summary>
    public long ParameterCount => parameters().Sum(p => p.NumberOfElements);

    /// <summary>Moves the parameters to <paramref name="device"/> and casts them to <paramref name="dtype"/>; returns this model.</summary>
    public Qwen2ForCausalLM To(Device device, ScalarType dtype)
    {
        this.to(device);
        this.to(dtype);
        return this;
    }

    /// <summary>Runs the model.</summary>
    /// <param name="inputIds">Token ids, LongTensor [batch, seq].</param>
    /// <param name="attentionMask">[batch, past + seq] with LEFT padding (1 = real, 0 = pad); null = no padding. With a
    /// cache it covers the cached past and the new tokens.</param>
    /// <param name="positionIds">[batch, seq]; null = Hugging Face's default (cumsum of the mask - 1, clamped at 0).</param>
    /// <param name="cache">Key/value cache to read and extend (incremental decoding), or null.</param>
    /// <param name="logitPositions">Positions (indices into the <paramref name="inputIds"/> columns) at which to compute logits:
    /// LongTensor [batch] (one per row, logits [batch, 1, vocab]) or [batch, k] (logits [batch, k, vocab]);
    /// null = every position ([batch, seq, vocab]). The LM head is the most expensive layer for a large vocabulary; ask only for what is needed.</param>
    /// <returns>Logits (in the compute dtype) and the final hidden states [batch, seq, hidden].</returns>
    public CausalLMOutput Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KVCache? cache = null, Tensor? logitPositions = null)
    {
        using var scope = NewDisposeScope();
        if (inputIds.dim() != 2) throw new ArgumentException($"inputIds must be [batch, seq]; got [{string.Join(", ", inputIds.shape)}].", nameof(inputIds));
        var hidden = model.Forward(inputIds, attentionMask, positionIds, cache);             // [batch, seq, hidden]
        var selected = hidden;
        if (logitPositions is not null)
        {
            var positions = logitPositions.to(hidden.device).to(ScalarType.Int64);
            if (positions.dim() == 1) positions = positions.unsqueeze(1);                     // [batch, k]
            if (positions.dim() != 2 || positions.shape[0] != hidden.shape[0])
                throw new ArgumentException($"logitPositions must be [batch] or [batch, k] with batch {hidden.shape[0]}; got [{string.Join(", ", logitPositions.shape)}].", nameof(logitPositions));
            var index = positions.unsqueeze(-1).expand(-1, -1, hidden.shape[2]);              // [batch, k, hidden]
            selected = hidden.gather(1, index);                                               // [batch, k, hidden]
        }
        var logits = nn.functional.linear(selected, LmHeadWeight);                            // [batch, k or seq, vocab]
        return new CausalLMOutput(logits.MoveToOuterDisposeScope(), hidden.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// Loads a Hugging Face model folder (<c>config.json</c> and <c>model.safetensors</c> or a sharded index), with
    /// strict name and shape checks, converting the stored F32/BF16/F16 tensors to <paramref name="dtype"/> one at a time.
    /// </summary>
    /// <param name="folder">The model folder.</param>
    /// <param name="device">Where to put the parameters; null = CPU.</param>
    /// <param name="dtype">Compute dtype; null = float32.</param>
    /// <exception cref="CheckpointException">A tensor is missing, unexpected, of the wrong shape, or truncated; the message names it and its file.</exception>
    public static Qwen2ForCausalLM FromPretrained(string folder, Device? device = null, ScalarType? dtype = null)
    {
        TorchRuntime.EnsureInitialized();
        var config = Qwen2Config.FromFile(Path.Combine(folder, "config.json"));
        using var checkpoint = SafeTensorsCheckpoint.Open(folder);
        var result = new Qwen2ForCausalLM(config).To(device ?? CPU, dtype ?? ScalarType.Float32);
        // Hugging Face may store a tied head as well; it is the embedding, so it is not loaded twice.
        var extras = config.TieWordEmbeddings ? new HashSet<string> { LmHeadWeightName } : new HashSet<string>();
        StateDictLoader.Load(result, checkpoint, folder, extras);
        return result;
    }

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> (in the current compute dtype; no <c>lm_head.weight</c>
    /// when tied, as Hugging Face does) into <paramref name="folder"/>, each file atomically.
    /// </summary>
    public void SavePretrained(string folder)
    {
        Directory.CreateDirectory(folder);
        var tensors = named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter, StringComparer.Ordinal);
        SafeTensorsWriter.Write(Path.Combine(folder, SafeTensorsCheckpoint.SingleFileName), tensors);
        var config = Qwen2Config.Parse(System.Text.Json.JsonSerializer.Serialize(Config));
        config.TorchDtype = DType switch
        {
            ScalarType.BFloat16 => "bfloat16",
            ScalarType.Float16 => "float16",
            _ => "float32",
        };
        config.Save(Path.Combine(folder, "config.json"));
    }
}
