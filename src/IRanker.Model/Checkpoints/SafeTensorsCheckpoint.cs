using System.Text.Json;
using static TorchSharp.torch;

namespace IRanker.Model.Checkpoints;

/// <summary>
/// The weights of a Hugging Face model folder: either one <c>model.safetensors</c> or shards listed in
/// <c>model.safetensors.index.json</c>. Tensors are read one at a time, on demand.
/// </summary>
/// <example>
/// <code>
/// using var checkpoint = SafeTensorsCheckpoint.Open("models/qwen2.5-0.5b");
/// using var norm = checkpoint.Read("model.norm.weight");
/// </code>
/// </example>
public sealed class SafeTensorsCheckpoint : IDisposable
{
    /// <summary>The single-file weights name.</summary>
    public const string SingleFileName = "model.safetensors";

    /// <summary>The shard index name.</summary>
    public const string IndexFileName = "model.safetensors.index.json";

    private readonly Dictionary<string, SafeTensorsFile> files;
    private readonly Dictionary<string, SafeTensorsFile> owner;

    private SafeTensorsCheckpoint(Dictionary<string, SafeTensorsFile> files, Dictionary<string, SafeTensorsFile> owner)
    {
        this.files = files;
        this.owner = owner;
    }

    /// <summary>Every tensor name, with the entry describing it.</summary>
    internal IEnumerable<SafeTensorsEntry> Entries => owner.Select(kv => kv.Value.Entries[kv.Key]);

    /// <summary>Opens the weights of <paramref name="folder"/>.</summary>
    /// <exception cref="CheckpointException">No weights, a damaged index or shard, or a tensor the index lists missing from its shard.</exception>
    public static SafeTensorsCheckpoint Open(string folder)
    {
        var files = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        var owner = new Dictionary<string, SafeTensorsFile>(StringComparer.Ordinal);
        try
        {
            var index = Path.Combine(folder, IndexFileName);
            var single = Path.Combine(folder, SingleFileName);
            if (File.Exists(index))
            {
                Dictionary<string, string> map;
                try
                {
                    using var doc = JsonDocument.Parse(File.ReadAllText(index));
                    map = doc.RootElement.GetProperty("weight_map").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    throw new CheckpointException($"'{index}' is not a valid shard index (it needs a \"weight_map\" object): {e.Message}", null, index, e);
                }
                foreach (var (name, shard) in map)
                {
                    if (!files.TryGetValue(shard, out var file)) files[shard] = file = SafeTensorsFile.Open(Path.Combine(folder, shard));
                    if (!file.Entries.ContainsKey(name))
                        throw new CheckpointException($"'{index}' places tensor '{name}' in '{file.Path}', which does not contain it.", name, file.Path);
                    owner[name] = file;
                }
            }
            else if (File.Exists(single))
            {
                var file = SafeTensorsFile.Open(single);
                files[SingleFileName] = file;
                foreach (var name in file.Entries.Keys) owner[name] = file;
            }
            else
            {
                throw new CheckpointException(
                    $"'{folder}' has neither {SingleFileName} nor {IndexFileName}. Point it at a Hugging Face model folder with safetensors weights.", null, folder);
            }
            return new SafeTensorsCheckpoint(files, owner);
        }
        catch
        {
            foreach (var f in files.Values) f.Dispose();
            throw;
        }
    }

    /// <summary>Whether the checkpoint has a tensor of that name.</summary>
    public bool Contains(string name) => owner.ContainsKey(name);

    /// <summary>The entry of a tensor and the file that holds it.</summary>
    internal (SafeTensorsEntry Entry, string File) Describe(string name) =>
        owner.TryGetValue(name, out var file)
            ? (file.Entries[name], file.Path)
            : throw new CheckpointException($"The checkpoint has no tensor named '{name}'.", name, null);

    /// <summary>Reads a tensor into CPU memory in its stored dtype.</summary>
    public Tensor Read(string name) =>
        owner.TryGetValue(name, out var file)
            ? file.Read(name)
            : throw new CheckpointException($"The checkpoint has no tensor named '{name}'.", name, null);

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var f in files.Values) f.Dispose();
    }
}
