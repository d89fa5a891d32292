using static TorchSharp.torch;

namespace IRanker.Model.Checkpoints;

/// <summary>Maps safetensors dtype names (<c>F32</c>, <c>BF16</c>, ...) to TorchSharp scalar types and back.</summary>
internal static class SafeTensorsDType
{
    internal static ScalarType ToScalarType(string name, string tensor, string file) => name switch
    {
        "F32" => ScalarType.Float32,
        "BF16" => ScalarType.BFloat16,
        "F16" => ScalarType.Float16,
        "F64" => ScalarType.Float64,
        "I64" => ScalarType.Int64,
        "I32" => ScalarType.Int32,
        "I16" => ScalarType.Int16,
        "I8" => ScalarType.Int8,
        "U8" => ScalarType.Byte,
        "BOOL" => ScalarType.Bool,
        _ => throw new CheckpointException($"Tensor '{tensor}' in '{file}' has dtype '{name}', which is not supported (F32, BF16, F16, F64, I64, I32, I16, I8, U8, BOOL are).", tensor, file),
    };

    internal static string FromScalarType(ScalarType type) => type switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.BFloat16 => "BF16",
        ScalarType.Float16 => "F16",
        ScalarType.Float64 => "F64",
        ScalarType.Int64 => "I64",
        ScalarType.Int32 => "I32",
        ScalarType.Int16 => "I16",
        ScalarType.Int8 => "I8",
        ScalarType.Byte => "U8",
        ScalarType.Bool => "BOOL",
        _ => throw new ArgumentException($"Tensors of type {type} cannot be written to safetensors by this library.", nameof(type)),
    };

    internal static int ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.BFloat16 or ScalarType.Float16 or ScalarType.Int16 => 2,
        _ => 1,
    };
}
