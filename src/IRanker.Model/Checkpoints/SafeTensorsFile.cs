using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using static TorchSharp.torch;

namespace IRanker.Model.Checkpoints;

/// <summary>
/// Reads one <c>.safetensors</c> file: the JSON header at open, then tensors one at a time, each read
/// straight from the file into a new tensor's memory (no intermediate buffer, nothing else kept in memory).
/// </summary>
/// <remarks>
/// <para>// *** Binary format ***</para>
/// <para>u64 little-endian N; N bytes of UTF-8 JSON header { name: { "dtype", "shape", "data_offsets": [begin, end] }, "__metadata__": {...} };
/// then the data, offsets relative to the byte after the header, little-endian, row-major.</para>
/// </remarks>
/// <example>
/// <code>
/// using var file = SafeTensorsFile.Open("model.safetensors");
/// using var w = file.Read("model.norm.weight"); // stored dtype, on the CPU
/// </code>
/// </example>
internal sealed class SafeTensorsFile : IDisposable
{
    private const long MaxHeaderBytes = 100L * 1024 * 1024;
    private readonly SafeFileHandle handle;
    private readonly long dataStart;

    private SafeTensorsFile(string path, SafeFileHandle handle, long dataStart, IReadOnlyDictionary<string, SafeTensorsEntry> entries, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        this.handle = handle;
        this.dataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Every tensor in the file, by name.</summary>
    public IReadOnlyDictionary<string, SafeTensorsEntry> Entries { get; }

    /// <summary>The header's <c>__metadata__</c> strings (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Opens a file and parses its header.</summary>
    /// <exception cref="CheckpointException">The header is damaged, or a tensor's data lies outside the file.</exception>
    public static SafeTensorsFile Open(string path)
    {
        if (!File.Exists(path)) throw new CheckpointException($"Checkpoint file '{path}' does not exist.", null, path);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            long length = RandomAccess.GetLength(handle);
            Span<byte> prefix = stackalloc byte[8];
            if (length < 8 || RandomAccess.Read(handle, prefix, 0) != 8)
                throw new CheckpointException($"'{path}' is too short to be a safetensors file ({length} bytes).", null, path);
            long headerLength = BitConverter.ToInt64(prefix);
            if (headerLength <= 0 || headerLength > MaxHeaderBytes || 8 + headerLength > length)
                throw new CheckpointException($"'{path}' has a damaged safetensors header (header length {headerLength}, file length {length}).", null, path);
            var header = new byte[headerLength];
            RandomAccess.Read(handle, header, 8);
            var (entries, metadata) = ParseHeader(header, path);
            long dataStart = 8 + headerLength;
            foreach (var e in entries.Values)
            {
                long expected = e.ElementCount * SafeTensorsDType.ElementSize(e.DType);
                if (e.End - e.Begin != expected)
                    throw new CheckpointException(
                        $"Tensor '{e.Name}' in '{path}' declares {e.End - e.Begin} bytes of data, but its shape [{string.Join(", ", e.Shape)}] and dtype need {expected}.", e.Name, path);
                if (e.Begin < 0 || dataStart + e.End > length)
                    throw new CheckpointException(
                        $"Tensor '{e.Name}' in '{path}' is truncated: its data ends at byte {dataStart + e.End}, but the file has {length} bytes.", e.Name, path);
            }
            return new SafeTensorsFile(path, handle, dataStart, entries, metadata);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Reads a tensor into CPU memory in its stored dtype.</summary>
    /// <exception cref="CheckpointException">The file has no tensor of that name, or its data cannot be read.</exception>
    public Tensor Read(string name)
    {
        if (!Entries.TryGetValue(name, out var e))
            throw new CheckpointException($"'{Path}' has no tensor named '{name}'.", name, Path);
        var result = empty(e.Shape, dtype: e.DType);
        try
        {
            long total = e.End - e.Begin;
            long done = 0;
            // Read straight into the tensor's storage, in chunks below 2 GiB (Span length limit).
            unsafe
            {
                byte* destination = TensorMemory.Pointer(result);
                while (done < total)
                {
                    int chunk = (int)Math.Min(total - done, 1 << 30);
                    int read = RandomAccess.Read(handle, new Span<byte>(destination + done, chunk), dataStart + e.Begin + done);
                    if (read <= 0)
                        throw new CheckpointException($"Tensor '{name}' in '{Path}' is truncated: read {done} of {total} bytes.", name, Path);
                    done += read;
                }
            }
            return result;
        }
        catch
        {
            result.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => handle.Dispose();

    private static (Dictionary<string, SafeTensorsEntry>, Dictionary<string, string>) ParseHeader(byte[] header, string path)
    {
        var entries = new Dictionary<string, SafeTensorsEntry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument document;
        try { document = JsonDocument.Parse(Encoding.UTF8.GetString(header).TrimEnd(' ', '\0')); }
        catch (JsonException ex) { throw new CheckpointException($"'{path}' has a damaged safetensors header: {ex.Message}", null, path, ex); }
        using (document)
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    foreach (var m in property.Value.EnumerateObject()) metadata[m.Name] = m.Value.ToString();
                    continue;
                }
                try
                {
                    var v = property.Value;
                    var dtype = SafeTensorsDType.ToScalarType(v.GetProperty("dtype").GetString()!, property.Name, path);
                    var shape = v.GetProperty("shape").EnumerateArray().Select(x => x.GetInt64()).ToArray();
                    var offsets = v.GetProperty("data_offsets").EnumerateArray().Select(x => x.GetInt64()).ToArray();
                    if (offsets.Length != 2) throw new InvalidDataException("data_offsets must have two numbers");
                    entries[property.Name] = new SafeTensorsEntry(property.Name, dtype, shape, offsets[0], offsets[1]);
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or InvalidDataException or FormatException)
                {
                    throw new CheckpointException($"Tensor '{property.Name}' in '{path}' has a damaged header entry: {ex.Message}", property.Name, path, ex);
                }
            }
        }
        return (entries, metadata);
    }
}
