using System.Text.Json;
using System.Text.Json.Serialization;

namespace IRanker.Model.Training;

/// <summary>
/// The non-tensor part of a checkpoint (<c>state.json</c>): progress and every random state, so that a resumed run
/// makes the same decisions as the uninterrupted one.
/// </summary>
/// <remarks>
/// A checkpoint folder <c>step-NNNNNN</c> holds: <c>model/</c> (Hugging Face format, adapters merged),
/// <c>adapters/</c> (LoRA adapters in PEFT format, when used), <c>reference/</c> (the frozen KL reference, when used
/// without LoRA), <c>value-head.bin</c> (PPO), <c>optimizer.bin</c> (AdamW moments and step counts),
/// and this file. It is written into <c>.tmp-step-NNNNNN</c> and renamed when complete, so a folder named
/// <c>step-*</c> is always whole.
/// </remarks>
internal sealed class TrainingCheckpoint
{
    public const string StateFile = "state.json";
    public const string ModelFolder = "model";
    public const string ReferenceFolder = "reference";
    public const string AdaptersFolder = "adapters";
    public const string OptimizerFile = "optimizer.bin";
    public const string ValueHeadFile = "value-head.bin";
    private const string Prefix = "step-";

    [JsonPropertyName("global_step")] public int GlobalStep { get; set; }
    [JsonPropertyName("warm_start_steps_done")] public int WarmStartDone { get; set; }
    [JsonPropertyName("rl_steps_done")] public int ReinforcementDone { get; set; }
    [JsonPropertyName("random")] public ulong[] Random { get; set; } = [];
    [JsonPropertyName("torch_random")] public string TorchRandom { get; set; } = "";
    [JsonPropertyName("query_order")] public int[] QueryOrder { get; set; } = [];
    [JsonPropertyName("query_position")] public int QueryPosition { get; set; }
    [JsonPropertyName("trajectory_queries")] public int[] TrajectoryQueries { get; set; } = [];
    [JsonPropertyName("trajectory_remaining")] public int[]?[] TrajectoryRemaining { get; set; } = [];
    [JsonPropertyName("trajectory_eliminated")] public int[][]? TrajectoryEliminated { get; set; }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string FolderName(int globalStep) => $"{Prefix}{globalStep:D6}";

    /// <summary>Writes a checkpoint atomically: <paramref name="writeTensors"/> fills a temporary folder, which is then renamed.</summary>
    public string Write(string root, Action<string> writeTensors)
    {
        Directory.CreateDirectory(root);
        string final = Path.Combine(root, FolderName(GlobalStep));
        string temp = Path.Combine(root, ".tmp-" + FolderName(GlobalStep));
        if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
        Directory.CreateDirectory(temp);
        writeTensors(temp);
        File.WriteAllText(Path.Combine(temp, StateFile), JsonSerializer.Serialize(this, Json));
        if (Directory.Exists(final)) Directory.Delete(final, recursive: true);
        Directory.Move(temp, final);
        return final;
    }

    /// <summary>The newest complete checkpoint folder under <paramref name="root"/>, or null.</summary>
    public static string? Newest(string? root)
    {
        if (root is null || !Directory.Exists(root)) return null;
        return Directory.GetDirectories(root, Prefix + "*")
            .Where(d => File.Exists(Path.Combine(d, StateFile)))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)
            .LastOrDefault();
    }

    public static TrainingCheckpoint Read(string folder)
    {
        string path = Path.Combine(folder, StateFile);
        try
        {
            return JsonSerializer.Deserialize<TrainingCheckpoint>(File.ReadAllText(path), Json)
                ?? throw new InvalidDataException("empty");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            throw new InvalidDataException($"The checkpoint state '{path}' cannot be read ({e.Message}). Delete that checkpoint folder to resume from an older one.", e);
        }
    }

    /// <summary>Deletes all but the newest <paramref name="keep"/> checkpoints.</summary>
    public static void Prune(string root, int keep)
    {
        var folders = Directory.GetDirectories(root, Prefix + "*").OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal).ToList();
        foreach (var old in folders.Take(Math.Max(0, folders.Count - keep))) Directory.Delete(old, recursive: true);
    }
}
