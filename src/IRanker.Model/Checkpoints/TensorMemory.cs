using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace IRanker.Model.Checkpoints;

/// <summary>Raw access to the memory of a contiguous CPU tensor (files are read into and written from it without copies).</summary>
internal static class TensorMemory
{
    /// <summary>Address of the first element of <paramref name="tensor"/>, which must be contiguous and on the CPU.</summary>
    /// <remarks>TorchSharp exposes the data as a span limited to 2 GiB; the span of a one-element view gives the
    /// address, from which tensors of any size are addressed in chunks.</remarks>
    internal static unsafe byte* Pointer(Tensor tensor)
    {
        if (tensor.device_type != TorchSharp.DeviceType.CPU || !tensor.is_contiguous())
            throw new ArgumentException("The tensor must be contiguous and on the CPU.", nameof(tensor));
        if (tensor.NumberOfElements == 0) return null;
        using var first = tensor.view(-1).narrow(0, 0, 1);
        Span<byte> bytes = first.bytes;
        return (byte*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref MemoryMarshal.GetReference(bytes));
    }
}
