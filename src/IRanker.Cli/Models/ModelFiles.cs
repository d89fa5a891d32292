using IRanker.MLNet;
using Microsoft.ML;

namespace IRanker.Cli.Models;

/// <summary>Loading and saving model zips, and turning them into Hugging Face folders, with errors a user can act on.</summary>
internal static class ModelFiles
{
    /// <summary>Loads an IRanker model zip (checking its digests).</summary>
    /// <exception cref="CliException">The file is missing, damaged or not an IRanker model (exit code 4).</exception>
    public static LoadedModel Load(string path)
    {
        if (Directory.Exists(path))
            throw CliException.Model($"{path}: is a folder; this command takes a model zip (written by 'iranker train' or mlContext.Model.Save). Make one from a Hugging Face folder with 'iranker convert {path} --output model.zip'.");
        if (!File.Exists(path)) throw CliException.Model($"{path}: no such model file.");
        var mlContext = new MLContext(seed: 0);
        mlContext.ComponentCatalog.RegisterAssembly(typeof(IRankerTransformer).Assembly);
        ITransformer loaded;
        try
        {
            loaded = mlContext.Model.Load(path, out _);
        }
        catch (Exception e) when (e.GetBaseException() is ModelIntegrityException damaged)
        {
            throw CliException.Model($"{path}: the model is damaged ({damaged.Message}). Copy or download it again.", e);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException or IOException or System.Reflection.TargetInvocationException)
        {
            throw CliException.Model($"{path}: not an ML.NET model zip that this version can read ({e.GetBaseException().Message}).", e);
        }
        var transformer = loaded as IRankerTransformer ?? (loaded as IEnumerable<ITransformer>)?.OfType<IRankerTransformer>().LastOrDefault();
        if (transformer is null)
        {
            (loaded as IDisposable)?.Dispose();
            throw CliException.Model($"{path}: an ML.NET model without an IRanker transformer; train one with 'iranker train'.");
        }
        var options = ModelZipInspector.ReadOptions(path) ?? [];
        return new LoadedModel(path, mlContext, transformer, options);
    }

    /// <summary>Writes the model of <paramref name="model"/> as a Hugging Face folder (config.json, model.safetensors, tokenizer, IRanker's settings).</summary>
    public static void SaveFolder(LoadedModel model, string folder)
    {
        var ranker = model.Transformer.Model
            ?? throw CliException.Model($"{model.Path}: trained with another ranking engine, not an IRanker language model; it has no Hugging Face form.");
        Directory.CreateDirectory(folder);
        ranker.Save(folder);
    }
}
