using IRanker.MLNet;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Runtime;
using Microsoft.ML;

namespace IRanker.Server.Hosting;

/// <summary>
/// Loads <see cref="ServerOptions.Model"/>: a file is read as an ML.NET model zip (the IRanker transformer inside it
/// brings its model and inference settings), a folder as a Hugging Face model folder.
/// </summary>
internal sealed class ModelBackendLoader : IRankingBackendLoader
{
    public IRankingBackend Load(ServerOptions options)
    {
        string path = options.Model ?? throw new InvalidOperationException("No model is configured (IRanker:Model).");
        var backend = File.Exists(path) ? LoadZip(path, options) : LoadFolder(path, options);
        return backend;
    }

    private static ModelBackend LoadZip(string path, ServerOptions options)
    {
        var mlContext = new MLContext(seed: 0);
        mlContext.ComponentCatalog.RegisterAssembly(typeof(IRankerTransformer).Assembly);
        ITransformer loaded;
        try
        {
            loaded = mlContext.Model.Load(path, out _);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or InvalidDataException or IOException)
        {
            throw new InvalidOperationException($"'{path}' could not be loaded as an ML.NET model zip ({e.Message}). Give the zip written by mlContext.Model.Save, or a Hugging Face model folder.", e);
        }
        var transformer = loaded as IRankerTransformer
            ?? (loaded as IEnumerable<ITransformer>)?.OfType<IRankerTransformer>().LastOrDefault();
        if (transformer is null)
        {
            (loaded as IDisposable)?.Dispose();
            throw new InvalidOperationException($"'{path}' is an ML.NET model without an IRanker transformer: train it with mlContext.Ranking.Trainers.IRanker().");
        }
        var model = transformer.Model;
        if (model is null)
        {
            transformer.Dispose();
            throw new InvalidOperationException($"The IRanker transformer in '{path}' was trained with another ranking engine, not an IRanker language model; the server serves IRanker models only.");
        }
        var inference = WithBudget(transformer.InferenceOptions, options);
        return new ModelBackend(model, inference, transformer,
            $"{Path.GetFileName(path)}: ML.NET model zip, {model.Model.ParameterCount:N0} parameters, {model.Style} prompts, {inference.Mode} mode, on {model.Device}");
    }

    private static ModelBackend LoadFolder(string path, ServerOptions options)
    {
        if (!File.Exists(Path.Combine(path, "config.json")))
            throw new InvalidOperationException($"The folder '{path}' has no config.json: give a Hugging Face model folder (config.json, model.safetensors, tokenizer) or a model zip.");
        var model = IRankerModel.Load(path, TorchRuntime.ResolveDevice(options.Device));
        model.Model.eval();
        var inference = WithBudget(new RankerOptions(), options);
        return new ModelBackend(model, inference, model,
            $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(path))}: Hugging Face folder, {model.Model.ParameterCount:N0} parameters, {model.Style} prompts, {inference.Mode} mode, on {model.Device}");
    }

    private static RankerOptions WithBudget(RankerOptions inference, ServerOptions options)
    {
        if (options.TokenBudget is { } budget) inference.TokenBudget = budget;
        inference.Validate();
        return inference;
    }
}
