using System.Text.Json;
using System.Text.Json.Nodes;
using IRanker.Model.Checkpoints;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace IRanker.Model.Modeling;

/// <summary>
/// The LoRA adapters of one model: which projections are wrapped (by module path), the shared on/off switch, and how
/// they are merged, saved and loaded.
/// </summary>
/// <remarks>
/// // *** Adapter folder format ***
/// <c>adapter_config.json</c>: <c>{"peft_type": "LORA", "task_type": "CAUSAL_LM", "r", "lora_alpha", "lora_dropout",
/// "target_modules": [...], "bias": "none"}</c>. <c>adapter_model.safetensors</c>: for every wrapped projection,
/// <c>base_model.model.&lt;module path&gt;.lora_A.weight</c> [r, in] and <c>...lora_B.weight</c> [out, r], in the
/// model's dtype. These are the names and fields the PEFT library uses.
/// </remarks>
internal sealed class LoraAdapters
{
    /// <summary>The adapter weights' file name in an adapter folder.</summary>
    internal const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>The adapter configuration's file name in an adapter folder.</summary>
    internal const string ConfigFileName = "adapter_config.json";

    private const string SavedPrefix = "base_model.model.";

    private readonly List<(string Path, LoraLinear Module, Action<nn.Module<Tensor, Tensor>> Replace)> modules;
    private readonly HashSet<string> trainableBefore;

    private LoraAdapters(LoraOptions options, List<(string, LoraLinear, Action<nn.Module<Tensor, Tensor>>)> modules, HashSet<string> trainableBefore, LoraSwitch adapterSwitch)
    {
        Options = options;
        this.modules = modules;
        this.trainableBefore = trainableBefore;
        Switch = adapterSwitch;
    }

    /// <summary>The options the adapters were created with (a private copy).</summary>
    internal LoraOptions Options { get; }

    /// <summary>Turns all adapters off and on.</summary>
    internal LoraSwitch Switch { get; }

    /// <summary>
    /// Freezes every parameter of <paramref name="model"/> and wraps the targeted projections of every decoder layer in a
    /// <see cref="LoraLinear"/>.
    /// </summary>
    internal static LoraAdapters Apply(Qwen2ForCausalLM model, LoraOptions options)
    {
        options.Validate();
        var copy = new LoraOptions
        {
            Rank = options.Rank, Alpha = options.Alpha, Dropout = options.Dropout, TargetModules = options.TargetModules.Distinct().ToArray(),
        };
        var trainableBefore = model.named_parameters().Where(p => p.parameter.requires_grad).Select(p => p.name).ToHashSet(StringComparer.Ordinal);
        foreach (var parameter in model.parameters()) parameter.requires_grad_(false);

        var adapterSwitch = new LoraSwitch();
        var wrapped = new List<(string, LoraLinear, Action<nn.Module<Tensor, Tensor>>)>();
        var layers = model.Decoder.Layers;
        for (int i = 0; i < layers.Count; i++)
        {
            var attention = layers[i].SelfAttention;
            foreach (var (name, projection) in attention.Projections().ToList())
            {
                if (!copy.TargetModules.Contains(name)) continue;
                var lora = new LoraLinear(name, AsLinear(projection, name), copy, adapterSwitch);
                attention.ReplaceProjection(name, lora);
                wrapped.Add(($"model.layers.{i}.self_attn.{name}", lora, module => attention.ReplaceProjection(name, module)));
            }
            var mlp = layers[i].Mlp;
            foreach (var (name, projection) in mlp.Projections().ToList())
            {
                if (!copy.TargetModules.Contains(name)) continue;
                var lora = new LoraLinear(name, AsLinear(projection, name), copy, adapterSwitch);
                mlp.ReplaceProjection(name, lora);
                wrapped.Add(($"model.layers.{i}.mlp.{name}", lora, module => mlp.ReplaceProjection(name, module)));
            }
        }
        return new LoraAdapters(copy, wrapped, trainableBefore, adapterSwitch);
    }

    /// <summary>The adapter parameters, A then B of every wrapped projection.</summary>
    internal IEnumerable<Parameter> Parameters() => modules.SelectMany(m => new[] { m.Module.A, m.Module.B });

    /// <summary>
    /// Folds every adapter into its base weight (<c>W += scale · B A</c>), puts plain linear layers back (the same weight
    /// and bias parameters), and makes trainable again what was trainable before <see cref="Apply"/>.
    /// </summary>
    internal void Merge(Qwen2ForCausalLM model)
    {
        using (no_grad())
        {
            foreach (var (_, lora, replace) in modules)
            {
                using (var merged = lora.MergedWeight()) lora.Weight.copy_(merged);
                replace(nn.Linear(lora.Weight, lora.Bias));
            }
        }
        foreach (var (name, parameter) in model.named_parameters()) parameter.requires_grad_(trainableBefore.Contains(name));
    }

    /// <summary>
    /// Turns the model's state dict (as lazily written tensors) into a plain Hugging Face one: drops the adapter
    /// parameters and writes each wrapped projection's weight merged, computed only while it is written.
    /// </summary>
    internal void MergeInto(Dictionary<string, SafeTensorsWriter.PendingTensor> tensors)
    {
        foreach (var (path, lora, _) in modules)
        {
            tensors.Remove(path + ".lora_A.weight");
            tensors.Remove(path + ".lora_B.weight");
            var weight = lora.Weight;
            tensors[path + ".weight"] = new SafeTensorsWriter.PendingTensor(weight.shape, weight.dtype, lora.MergedWeight);
        }
    }

    /// <summary>Writes <see cref="ConfigFileName"/> and <see cref="WeightsFileName"/> into <paramref name="folder"/>.</summary>
    internal void Save(string folder)
    {
        Directory.CreateDirectory(folder);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (path, lora, _) in modules)
        {
            tensors[SavedPrefix + path + ".lora_A.weight"] = lora.A;
            tensors[SavedPrefix + path + ".lora_B.weight"] = lora.B;
        }
        SafeTensorsWriter.Write(Path.Combine(folder, WeightsFileName), tensors);
        var config = new JsonObject
        {
            ["peft_type"] = "LORA",
            ["task_type"] = "CAUSAL_LM",
            ["r"] = Options.Rank,
            ["lora_alpha"] = Options.EffectiveAlpha,
            ["lora_dropout"] = Options.Dropout,
            ["target_modules"] = new JsonArray(Options.TargetModules.Select(t => (JsonNode)JsonValue.Create(t)).ToArray()),
            ["bias"] = "none",
        };
        var configPath = Path.Combine(folder, ConfigFileName);
        File.WriteAllText(configPath + ".tmp", config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(configPath + ".tmp", configPath, overwrite: true);
    }

    /// <summary>Reads the options of an adapter folder's <see cref="ConfigFileName"/>.</summary>
    /// <exception cref="CheckpointException">The file is missing or lacks a field.</exception>
    internal static LoraOptions ReadOptions(string folder)
    {
        var path = Path.Combine(folder, ConfigFileName);
        if (!File.Exists(path)) throw new CheckpointException($"'{folder}' has no {ConfigFileName}. Point it at a folder written by SaveAdapters.", null, path);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            return new LoraOptions
            {
                Rank = root.GetProperty("r").GetInt32(),
                Alpha = root.GetProperty("lora_alpha").GetDouble(),
                Dropout = root.TryGetProperty("lora_dropout", out var dropout) ? dropout.GetDouble() : 0,
                TargetModules = root.GetProperty("target_modules").EnumerateArray().Select(e => e.GetString()!).ToArray(),
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"'{path}' is not a valid LoRA adapter configuration (it needs r, lora_alpha and target_modules): {e.Message}", null, path, e);
        }
    }

    /// <summary>Whether adapters saved with <paramref name="saved"/> have the shape and scale of these.</summary>
    internal bool Matches(LoraOptions saved) =>
        saved.Rank == Options.Rank && saved.Scale == Options.Scale && saved.TargetModules.ToHashSet().SetEquals(Options.TargetModules);

    /// <summary>Copies the adapter weights of <paramref name="folder"/> into these adapters, checking names and shapes strictly.</summary>
    /// <exception cref="CheckpointException">A tensor is missing, unexpected or of the wrong shape; the message names it.</exception>
    internal void Load(string folder)
    {
        using var file = SafeTensorsFile.Open(Path.Combine(folder, WeightsFileName));
        var expected = new Dictionary<string, Parameter>(StringComparer.Ordinal);
        foreach (var (path, lora, _) in modules)
        {
            expected[SavedPrefix + path + ".lora_A.weight"] = lora.A;
            expected[SavedPrefix + path + ".lora_B.weight"] = lora.B;
        }
        var unexpected = file.Entries.Keys.Where(n => !expected.ContainsKey(n)).OrderBy(n => n, StringComparer.Ordinal).FirstOrDefault();
        if (unexpected is not null)
            throw new CheckpointException($"'{file.Path}' has tensor '{unexpected}', which no adapter of this model has. Check that the adapters were saved from this model's shape.", unexpected, file.Path);
        foreach (var (name, parameter) in expected)
        {
            if (!file.Entries.TryGetValue(name, out var entry))
                throw new CheckpointException($"'{file.Path}' lacks adapter tensor '{name}'.", name, file.Path);
            if (!entry.Shape.SequenceEqual(parameter.shape))
                throw new CheckpointException(
                    $"Adapter tensor '{name}' in '{file.Path}' has shape [{string.Join(", ", entry.Shape)}], but the model expects [{string.Join(", ", parameter.shape)}].", name, file.Path);
        }
        using var noGrad = no_grad();
        foreach (var (name, parameter) in expected)
        {
            using var stored = file.Read(name);
            parameter.copy_(stored);
        }
    }

    private static Linear AsLinear(nn.Module<Tensor, Tensor> projection, string name) =>
        projection as Linear ?? throw new InvalidOperationException($"Projection '{name}' is a {projection.GetType().Name}, not a plain linear layer; LoRA is already applied.");
}
