using TorchSharp;
using static TorchSharp.torch;

namespace IRanker.Model.Checkpoints;

/// <summary>Copies checkpoint tensors into a module's parameters by exact name, checking names and shapes strictly.</summary>
internal static class StateDictLoader
{
    /// <summary>
    /// Loads every parameter of <paramref name="module"/> from <paramref name="checkpoint"/>, one tensor at a time,
    /// converting to each parameter's dtype and device. Names in <paramref name="ignoredExtras"/> may be present
    /// in the checkpoint without a matching parameter.
    /// </summary>
    /// <exception cref="CheckpointException">A parameter is missing, a tensor is unexpected, or a shape differs.</exception>
    internal static void Load(nn.Module module, SafeTensorsCheckpoint checkpoint, string folder, IReadOnlySet<string> ignoredExtras)
    {
        var parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        var missing = parameters.Keys.Where(n => !checkpoint.Contains(n)).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new CheckpointException(
                $"The checkpoint in '{folder}' lacks {missing.Count} tensor(s) the model needs, first '{missing[0]}' (all: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", ..." : "")}). " +
                "Check that config.json describes this checkpoint.", missing[0], folder);
        var unexpected = checkpoint.Entries.Select(e => e.Name)
            .Where(n => !parameters.ContainsKey(n) && !ignoredExtras.Contains(n) && !n.EndsWith(".rotary_emb.inv_freq", StringComparison.Ordinal))
            .OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
        {
            var (_, file) = checkpoint.Describe(unexpected[0]);
            throw new CheckpointException(
                $"'{file}' has {unexpected.Count} tensor(s) the model does not have, first '{unexpected[0]}' (all: {string.Join(", ", unexpected.Take(10))}{(unexpected.Count > 10 ? ", ..." : "")}). " +
                "Check that config.json describes this checkpoint.", unexpected[0], file);
        }
        foreach (var (name, parameter) in parameters)
        {
            var (entry, file) = checkpoint.Describe(name);
            if (!entry.Shape.SequenceEqual(parameter.shape))
                throw new CheckpointException(
                    $"Tensor '{name}' in '{file}' has shape [{string.Join(", ", entry.Shape)}], but the model expects [{string.Join(", ", parameter.shape)}]. " +
                    "Check that config.json describes this checkpoint.", name, file);
        }
        using var noGrad = no_grad();
        foreach (var (name, parameter) in parameters)
        {
            using var stored = checkpoint.Read(name);
            parameter.copy_(stored);
        }
    }
}
