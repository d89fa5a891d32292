using static TorchSharp.torch;

namespace IRanker.Model.Checkpoints;

/// <summary>One tensor listed in a safetensors header.</summary>
/// <param name="Name">Tensor name, e.g. <c>model.norm.weight</c>.</param>
/// <param name="DType">Stored element type.</param>
/// <param name="Shape">Shape.</param>
/// <param name="Begin">Offset of the first byte, relative to the end of the header.</param>
/// <param name="End">Offset one past the last byte, relative to the end of the header.</param>
/// <example>
/// <code>
/// using var file = SafeTensorsFile.Open("model.safetensors");
/// foreach (var e in file.Entries.Values) Console.WriteLine($"{e.Name} {e.DType} [{string.Join(",", e.Shape)}]");
/// </code>
/// </example>
internal sealed record SafeTensorsEntry(string Name, ScalarType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Number of elements.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
