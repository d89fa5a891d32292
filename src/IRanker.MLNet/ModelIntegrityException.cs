namespace IRanker.MLNet;

/// <summary>
/// An IRanker model zip is damaged: a stored file (the weights, the tokenizer, the configuration) or the model's settings
/// (engine name, options, file list) do not match the SHA-256 digest written when the model was saved, or cannot be read.
/// </summary>
/// <remarks>
/// Zips written by this version of the library carry a digest of every stored file, checked on every load; .NET's zip
/// reader does not verify the zip's own CRC-32, so without it a flipped bit in the weights would load silently and rank
/// differently. Zips of the first format (1.1, without digests) load without a check. Save the model again, or restore it
/// from a copy: a damaged file cannot be repaired. <c>mlContext.Model.Load</c> reports it wrapped in ML.NET's
/// <see cref="System.Reflection.TargetInvocationException"/>s; it is their <see cref="Exception.GetBaseException"/>.
/// </remarks>
/// <example>
/// <code>
/// try { model = mlContext.Model.Load("ranker.zip", out _); }
/// catch (Exception e) when (e.GetBaseException() is ModelIntegrityException damaged)
/// {
///     Console.Error.WriteLine($"ranker.zip is damaged ({damaged.FileName}); restore it from a backup.");
/// }
/// </code>
/// </example>
public sealed class ModelIntegrityException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="fileName">The damaged file, as stored in the zip (e.g. <c>model.safetensors</c>), or <see cref="SettingsName"/>.</param>
    /// <param name="message">What does not match, and what to do.</param>
    public ModelIntegrityException(string fileName, string message)
        : base(message) => FileName = fileName;

    /// <summary>The name <see cref="FileName"/> has when the model's settings (engine name, options, file list) are damaged.</summary>
    public const string SettingsName = "(model settings)";

    /// <summary>The damaged file as stored in the zip, or <see cref="SettingsName"/>.</summary>
    public string FileName { get; }
}
