using System.Text.Json.Nodes;
using IRanker.MLNet;
using Microsoft.ML;

namespace IRanker.Cli.Models;

/// <summary>A model zip loaded for ranking: its ML.NET context, the IRanker transformer, and the options saved with it.</summary>
internal sealed class LoadedModel(string path, MLContext mlContext, IRankerTransformer transformer, JsonObject savedOptions) : IDisposable
{
    /// <summary>The zip, as the user named it.</summary>
    public string Path { get; } = path;

    /// <summary>The context the model was loaded in.</summary>
    public MLContext MLContext { get; } = mlContext;

    /// <summary>The IRanker transformer (owns the model).</summary>
    public IRankerTransformer Transformer { get; } = transformer;

    /// <summary>The <see cref="IRankerOptions"/> the model was trained with, as saved in the zip (JSON).</summary>
    public JsonObject SavedOptions { get; } = savedOptions;

    /// <summary>A saved setting as text (an enum's name, a string), or null.</summary>
    public string? Saved(string name) => SavedOptions[name] is JsonValue value ? value.ToString() : null;

    public void Dispose() => Transformer.Dispose();
}
