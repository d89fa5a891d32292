using System.Text;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace IRanker.Model.Checkpoints;

/// <summary>Writes tensors to a <c>.safetensors</c> file, atomically (a temporary file, then a rename).</summary>
/// <remarks>The header is padded with spaces to a multiple of 8 bytes; tensors are written in name order, one at a
/// time, each copied to the CPU only while it is written.</remarks>
/// <example>
/// <code>
/// SafeTensorsWriter.Write("weights.safetensors", new Dictionary&lt;string, Tensor&gt; { ["w"] = torch.ones(2, 3) });
/// </code>
/// </example>
internal static class SafeTensorsWriter
{
    /// <summary>Writes <paramref name="tensors"/> under their names; <paramref name="metadata"/> goes into <c>__metadata__</c>.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors.ToDictionary(kv => kv.Key, kv => PendingTensor.Of(kv.Value), StringComparer.Ordinal), metadata);

    /// <summary>A tensor to write: its header fields now, its data produced only while it is written (and then released
    /// if the producer created it), so derived tensors never all exist at once.</summary>
    internal readonly record struct PendingTensor(long[] Shape, ScalarType DType, Func<Tensor> Data)
    {
        /// <summary>An existing tensor, written as it is.</summary>
        internal static PendingTensor Of(Tensor tensor) => new(tensor.shape, tensor.dtype, () => tensor);
    }

    /// <summary>Writes <paramref name="tensors"/> under their names, producing each one's data only while it is written.</summary>
    internal static void Write(string path, IReadOnlyDictionary<string, PendingTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var names = tensors.Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var header = new JsonObject();
        var meta = new JsonObject { ["format"] = "pt" };
        if (metadata is not null) foreach (var (k, v) in metadata) meta[k] = v;
        header["__metadata__"] = meta;
        long offset = 0;
        foreach (var name in names)
        {
            var t = tensors[name];
            long bytes = t.Shape.Aggregate(1L, (n, d) => n * d) * SafeTensorsDType.ElementSize(t.DType);
            header[name] = new JsonObject
            {
                ["dtype"] = SafeTensorsDType.FromScalarType(t.DType),
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode)JsonValue.Create(d)!).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (headerBytes.Length + 7) / 8 * 8;
        var headerPadded = new byte[padded];
        Array.Fill(headerPadded, (byte)' ');
        headerBytes.CopyTo(headerPadded, 0);

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            stream.Write(BitConverter.GetBytes((long)padded));
            stream.Write(headerPadded);
            foreach (var name in names) WriteData(stream, name, tensors[name]);
        }
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteData(Stream stream, string name, PendingTensor pending)
    {
        using var scope = NewDisposeScope();
        var tensor = pending.Data();
        if (tensor.dtype != pending.DType || !tensor.shape.SequenceEqual(pending.Shape))
            throw new InvalidOperationException(
                $"Tensor '{name}' was announced as {pending.DType} [{string.Join(", ", pending.Shape)}] but produced as {tensor.dtype} [{string.Join(", ", tensor.shape)}].");
        var cpu = tensor.detach().cpu().contiguous();
        long total = cpu.NumberOfElements * SafeTensorsDType.ElementSize(cpu.dtype);
        unsafe
        {
            byte* source = TensorMemory.Pointer(cpu);
            for (long done = 0; done < total;)
            {
                int chunk = (int)Math.Min(total - done, 1 << 30);
                stream.Write(new ReadOnlySpan<byte>(source + done, chunk));
                done += chunk;
            }
        }
    }
}
