namespace IRanker.Cli.Models;

/// <summary>
/// Where training starts: a Hugging Face folder (<c>--model FOLDER</c>), a model zip (<c>--model ZIP</c>, whose model is
/// unpacked into a temporary folder), the ready checkpoint, or a new model (<c>--from-scratch</c>, or no checkpoint).
/// </summary>
internal sealed class ModelSource : IDisposable
{
    private readonly string? _temporary;

    private ModelSource(string? folder, string description, string? temporary)
    {
        Folder = folder;
        Description = description;
        _temporary = temporary;
    }

    /// <summary>The Hugging Face folder to start from (<c>IRankerOptions.ModelPath</c>), or null for a new model.</summary>
    public string? Folder { get; }

    /// <summary>One line for the user.</summary>
    public string Description { get; }

    /// <summary>Resolves <c>--model</c> and <c>--from-scratch</c>.</summary>
    /// <exception cref="CliException">Both were given, or the model cannot be read.</exception>
    public static ModelSource Resolve(string? model, bool fromScratch)
    {
        if (model is not null && fromScratch) throw CliException.Usage("--model and --from-scratch exclude each other: start from a model, or from scratch.");
        if (fromScratch) return new ModelSource(null, "a new model, trained from scratch (--from-scratch)", null);
        if (model is null)
        {
            return ReadyCheckpoint.Find() is { } ready
                ? new ModelSource(ready, $"the ready checkpoint ({ready})", null)
                : new ModelSource(null, "a new model, trained from scratch: this version ships no ready checkpoint (give --model to start from one; --from-scratch says this explicitly)", null);
        }
        if (Directory.Exists(model))
        {
            if (!File.Exists(Path.Combine(model, "config.json")))
                throw CliException.Model($"{model}: a folder without config.json; give a Hugging Face model folder (config.json, model.safetensors, tokenizer files) or a model zip.");
            return new ModelSource(model, $"the Hugging Face folder {model}", null);
        }
        using var loaded = ModelFiles.Load(model);
        string folder = Path.Combine(Path.GetTempPath(), $"iranker-start-{Guid.NewGuid():N}");
        ModelFiles.SaveFolder(loaded, folder);
        return new ModelSource(folder, $"the model zip {model}", folder);
    }

    public void Dispose()
    {
        if (_temporary is not null && Directory.Exists(_temporary)) Directory.Delete(_temporary, recursive: true);
    }
}
