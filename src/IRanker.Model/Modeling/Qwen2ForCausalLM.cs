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

    private LoraAdapters? lora;

    /// <summary>Creates a randomly initialised model of the given shape on the CPU in float32.</summary>
    public Qwen2ForCausalLM(Qwen2Config config) : this(config, ParameterInit.Random)
    {
    }

    private Qwen2ForCausalLM(Qwen2Config config, ParameterInit init) : base("Qwen2ForCausalLM")
    {
        TorchRuntime.EnsureInitialized();
        Config = config;
        model = new Qwen2Model("model", config, init);
        if (!config.TieWordEmbeddings) lm_head = init.Linear(config.HiddenSize, config.VocabSize, hasBias: false);
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

    /// <summary>The options of the LoRA adapters in use, or null when the model has none.</summary>
    public LoraOptions? Lora => lora?.Options;

    /// <summary>
    /// Adds LoRA adapters to the projections named by <paramref name="options"/> in every decoder layer and freezes every
    /// other parameter (base weights, biases, embedding, norms, head), so that training changes only the adapters.
    /// </summary>
    /// <remarks>The adapters are created on the device and in the dtype of the weights they adapt. B starts at zero, so
    /// the outputs are unchanged until the adapters are trained. Returns this model.</remarks>
    /// <param name="options">Rank, alpha, dropout and target modules; null = the defaults of <see cref="LoraOptions"/>.</param>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    /// <exception cref="InvalidOperationException">The model already has adapters.</exception>
    public Qwen2ForCausalLM ApplyLora(LoraOptions? options = null)
    {
        if (lora is not null) throw new InvalidOperationException("The model already has LoRA adapters; merge them (MergeLora) before applying new ones.");
        lora = LoraAdapters.Apply(this, options ?? new LoraOptions());
        return this;
    }

    /// <summary>The parameters an optimiser should update: the LoRA adapters when the model has them, otherwise every parameter.</summary>
    public IEnumerable<Parameter> TrainableParameters() => lora?.Parameters() ?? parameters();

    /// <summary>
    /// Runs the model without its LoRA adapters (the frozen base model) until the returned scope is disposed; scopes nest.
    /// Use it for the reference model of a KL penalty, so that policy and reference share one set of base weights.
    /// </summary>
    /// <remarks>The switch is the model's, not the thread's: do not run the model elsewhere while a scope is open.</remarks>
    /// <example>
    /// <code>
    /// using (torch.no_grad())
    /// using (model.DisableAdapters())
    /// using (var reference = model.Forward(ids, mask)) { /* reference log-probs */ }
    /// </code>
    /// </example>
    /// <exception cref="InvalidOperationException">The model has no adapters (the reference would silently equal the policy).</exception>
    public IDisposable DisableAdapters() =>
        lora?.Switch.Disable() ?? throw new InvalidOperationException("The model has no LoRA adapters to disable; call ApplyLora first.");

    /// <summary>
    /// Folds the LoRA adapters into the base weights (<c>W += (alpha / r) · B A</c>, formed in float32), removes them, and
    /// makes trainable again the parameters that were trainable before <see cref="ApplyLora"/>. Returns this model.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no adapters.</exception>
    public Qwen2ForCausalLM MergeLora()
    {
        if (lora is null) throw new InvalidOperationException("The model has no LoRA adapters to merge.");
        lora.Merge(this);
        lora = null;
        return this;
    }

    /// <summary>
    /// Writes the LoRA adapters only (<c>adapter_config.json</c> and <c>adapter_model.safetensors</c>, PEFT names and
    /// fields) into <paramref name="folder"/>; a few megabytes where the full model is gigabytes.
    /// </summary>
    /// <exception cref="InvalidOperationException">The model has no adapters.</exception>
    public void SaveAdapters(string folder)
    {
        if (lora is null) throw new InvalidOperationException("The model has no LoRA adapters to save.");
        lora.Save(folder);
    }

    /// <summary>
    /// Loads adapters written by <see cref="SaveAdapters"/>: applies LoRA with the folder's options first when the model
    /// has no adapters, otherwise the existing adapters must have the same rank, scale and targets. Returns this model.
    /// </summary>
    /// <exception cref="CheckpointException">The folder lacks a file, or a tensor is missing, unexpected or wrongly shaped.</exception>
    /// <exception cref="InvalidOperationException">The model's adapters differ from the folder's.</exception>
    public Qwen2ForCausalLM LoadAdapters(string folder)
    {
        var saved = LoraAdapters.ReadOptions(folder);
        if (lora is null) ApplyLora(saved);
        else if (!lora.Matches(saved))
            throw new InvalidOperationException(
                $"The adapters in '{folder}' (rank {saved.Rank}, alpha {saved.EffectiveAlpha}, targets {string.Join(",", saved.TargetModules)}) differ from the model's " +
                $"(rank {lora.Options.Rank}, alpha {lora.Options.EffectiveAlpha}, targets {string.Join(",", lora.Options.TargetModules)}).");
        lora!.Load(folder);
        return this;
    }

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
    /// <remarks>Parameters are allocated directly on <paramref name="device"/> in <paramref name="dtype"/>, without random
    /// initialisation, and each is then overwritten from the checkpoint.</remarks>
    /// <param name="folder">The model folder.</param>
    /// <param name="device">Where to put the parameters; null = CPU.</param>
    /// <param name="dtype">Compute dtype; null = float32.</param>
    /// <exception cref="CheckpointException">A tensor is missing, unexpected, of the wrong shape, or truncated; the message names it and its file.</exception>
    public static Qwen2ForCausalLM FromPretrained(string folder, Device? device = null, ScalarType? dtype = null)
    {
        TorchRuntime.EnsureInitialized();
        var config = Qwen2Config.FromFile(Path.Combine(folder, "config.json"));
        using var checkpoint = SafeTensorsCheckpoint.Open(folder);
        // Parameters are allocated uninitialised where they will live, then each is overwritten from the file: no random
        // initialisation, and no float32 copy of a low-precision model.
        var result = new Qwen2ForCausalLM(config, ParameterInit.Uninitialised(device ?? CPU, dtype ?? ScalarType.Float32));
        // Hugging Face may store a tied head as well; it is the embedding, so it is not loaded twice.
        var extras = config.TieWordEmbeddings ? new HashSet<string> { LmHeadWeightName } : new HashSet<string>();
        StateDictLoader.Load(result, checkpoint, folder, extras);
        return result;
    }

    /// <summary>
    /// Writes <c>config.json</c> and <c>model.safetensors</c> (in the current compute dtype; no <c>lm_head.weight</c>
    /// when tied, as Hugging Face does) into <paramref name="folder"/>, each file atomically.
    /// </summary>
    /// <remarks>With LoRA adapters the file is a plain Hugging Face checkpoint with the adapters merged into the weights;
    /// the live model is not changed (each merged weight exists only while it is written).</remarks>
    public void SavePretrained(string folder)
    {
        Directory.CreateDirectory(folder);
        var tensors = named_parameters().ToDictionary(p => p.name, p => SafeTensorsWriter.PendingTensor.Of(p.parameter), StringComparer.Ordinal);
        lora?.MergeInto(tensors);
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
