using IRanker.Model.Modeling;

namespace IRanker.Model.Checkpoints;

/// <summary>A checkpoint file does not fit the model or is damaged; the message names the tensor and the file.</summary>
/// <example>
/// <code>
/// try { Qwen2ForCausalLM.FromPretrained("models/my-model"); }
/// catch (CheckpointException e) { Console.Error.WriteLine($"{e.TensorName} in {e.FilePath}: {e.Message}"); }
/// </code>
/// </example>
public sealed class CheckpointException : IOException
{
    /// <summary>Creates the error.</summary>
    public CheckpointException(string message, string? tensorName, string? filePath, Exception? inner = null)
        : base(message, inner)
    {
        TensorName = tensorName;
        FilePath = filePath;
    }

    /// <summary>The tensor at fault (for example <c>model.layers.0.self_attn.q_proj.weight</c>), when one is.</summary>
    public string? TensorName { get; }

    /// <summary>The file at fault.</summary>
    public string? FilePath { get; }
}
