using System.Text.Json;
using IRanker.Model;
using IRanker.Model.Modeling;
using static TorchSharp.torch;

namespace IRanker.Quickstart.Models;

/// <summary>
/// The checkpoint the quickstart starts from: IRanker-mini (docs/iranker-mini.md), its base model (the same weights
/// before any ranking training: the folder its recipe.json names, else <c>{model}-base</c> beside it) and the tasks its
/// recipe held out.
/// </summary>
/// <param name="Folder">The IRanker-mini folder (a Hugging Face folder: config.json, model.safetensors, tokenizer.json).</param>
/// <param name="BaseFolder">Its base model's folder.</param>
/// <param name="HeldOut">The tasks left out of its ranking training (from its recipe.json; empty without one).</param>
/// <param name="ChoiceScoring">How it was trained to score candidates (from its iranker.json).</param>
internal sealed record ShippedModel(string Folder, string BaseFolder, IReadOnlySet<string> HeldOut, ChoiceScoring ChoiceScoring)
{
    /// <summary>Where the quickstart's build puts the committed models/iranker-mini.</summary>
    public static string DefaultFolder => Path.Combine(AppContext.BaseDirectory, "models", "iranker-mini");

    /// <summary>The model in <paramref name="folder"/> (null: the shipped one).</summary>
    /// <exception cref="DirectoryNotFoundException">The folder or its base model is missing; the message says what to do.</exception>
    public static ShippedModel Resolve(string? folder)
    {
        folder ??= DefaultFolder;
        string recipePath = Path.Combine(folder, "recipe.json");
        using var recipe = File.Exists(recipePath) ? JsonDocument.Parse(File.ReadAllText(recipePath)) : null;
        string baseFolder = BaseFolderOf(folder, recipe?.RootElement);
        foreach (var (path, what) in new[] { (folder, "IRanker-mini"), (baseFolder, "IRanker-mini's base model") })
        {
            if (!File.Exists(Path.Combine(path, "config.json")))
                throw new DirectoryNotFoundException(
                    $"{what} is not in '{Path.GetFullPath(path)}' (no config.json). Build the quickstart from a full clone (the models/ folder ships it), " +
                    "make it with `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- iranker-mini` (docs/iranker-mini.md), " +
                    "or run the quickstart with --from-scratch.");
        }
        ChoiceScoring scoring;
        using (var model = IRankerModel.Load(folder)) scoring = model.ChoiceScoring;
        return new ShippedModel(folder, baseFolder, HeldOutOf(recipe?.RootElement), scoring);
    }

    /// <summary>
    /// Writes a model of IRanker-mini's shape and tokenizer with random weights (seeded) into <paramref name="folder"/>:
    /// the untrained control, which knows nothing but the architecture.
    /// </summary>
    public string WriteUntrained(string folder, int seed)
    {
        using var shipped = IRankerModel.Load(Folder);
        manual_seed(seed);
        var random = new Qwen2ForCausalLM(shipped.Model.Config);
        using var untrained = new IRankerModel(random, shipped.Tokenizer, style: shipped.Style, layout: shipped.Layout);
        untrained.Save(folder);
        return folder;
    }

    /// <summary>
    /// The base model of the model in <paramref name="folder"/>: the <c>base_folder</c> its <paramref name="recipe"/>
    /// names (relative to the model folder; a variant trained from another model's base), else the folder
    /// <c>{folder}-base</c> beside it.
    /// </summary>
    private static string BaseFolderOf(string folder, JsonElement? recipe) =>
        recipe is { } root && root.TryGetProperty("base_folder", out var relative) && relative.GetString() is { Length: > 0 } path
            ? Path.GetFullPath(Path.Combine(folder, path))
            : folder.TrimEnd('/', '\\') + "-base";

    /// <summary>The tasks <paramref name="recipe"/> held out of the ranking training (empty without a recipe).</summary>
    private static HashSet<string> HeldOutOf(JsonElement? recipe) =>
        recipe is { } root && root.TryGetProperty("held_out_tasks", out var tasks) && tasks.ValueKind == JsonValueKind.Array
            ? tasks.EnumerateArray().Select(t => t.GetString() ?? "").Where(t => t.Length > 0).ToHashSet(StringComparer.Ordinal)
            : [];
}
