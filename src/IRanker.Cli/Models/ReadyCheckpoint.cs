namespace IRanker.Cli.Models;

/// <summary>
/// The project's ready checkpoint: the model that <c>iranker train</c> starts from when no <c>--model</c> is given. This is
/// the one place that knows where it is: a Hugging Face folder <c>models/iranker-mini</c> shipped beside the command.
/// This version ships none, so training without <c>--model</c> starts a new model from scratch and says so.
/// </summary>
internal static class ReadyCheckpoint
{
    /// <summary>The folder's path relative to the command's own folder.</summary>
    public const string RelativePath = "models/iranker-mini";

    /// <summary>The ready checkpoint's folder, or null when none ships with this version.</summary>
    public static string? Find()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, RelativePath);
        return File.Exists(Path.Combine(folder, "config.json")) ? folder : null;
    }
}
