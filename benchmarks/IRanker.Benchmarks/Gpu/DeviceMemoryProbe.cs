using System.Diagnostics;
using System.Globalization;

namespace IRanker.Benchmarks.Gpu;

/// <summary>
/// Peak GPU memory while a part runs, read from nvidia-smi every 200 ms: TorchSharp 0.107 exposes no CUDA memory
/// statistics (no max_memory_allocated), so the driver's view is what there is. It counts the CUDA context and the
/// caching allocator's reserve, so it is above PyTorch's max_memory_allocated for the same work.
/// </summary>
internal sealed class DeviceMemoryProbe : IDisposable
{
    private readonly int index;
    private readonly Thread thread;
    private readonly CancellationTokenSource stop = new();
    private long peakGpu = -1, peakProcess = -1;

    private DeviceMemoryProbe(int index, long baseline)
    {
        this.index = index;
        BaselineMiB = baseline;
        thread = new Thread(Sample) { IsBackground = true, Name = "nvidia-smi memory probe" };
        thread.Start();
    }

    /// <summary>memory.used of the GPU when the probe started (MiB).</summary>
    public long BaselineMiB { get; }

    /// <summary>Highest memory.used of the whole GPU seen (MiB).</summary>
    public long PeakGpuMiB => Interlocked.Read(ref peakGpu);

    /// <summary>Highest used_memory of this process seen (MiB), or -1 where nvidia-smi lists no process of this id
    /// (as in containers with their own process ids).</summary>
    public long PeakProcessMiB => Interlocked.Read(ref peakProcess);

    /// <summary>Starts a probe of GPU <paramref name="index"/>; null where nvidia-smi cannot be run.</summary>
    public static DeviceMemoryProbe? Start(int index)
    {
        var used = Query($"--query-gpu=memory.used --format=csv,noheader,nounits -i {index}");
        return used is null || !long.TryParse(used.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long baseline)
            ? null
            : new DeviceMemoryProbe(index, baseline);
    }

    /// <summary>The probe's numbers as JSON fields.</summary>
    public Dictionary<string, object?> Fields() => new()
    {
        ["gpu_memory_baseline_mib"] = BaselineMiB,
        ["gpu_memory_peak_mib"] = PeakGpuMiB,
        ["process_memory_peak_mib"] = PeakProcessMiB < 0 ? null : PeakProcessMiB,
        ["memory_source"] = "nvidia-smi every 200 ms (driver view: context + caching allocator reserve)",
    };

    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        stop.Dispose();
    }

    private void Sample()
    {
        int pid = Environment.ProcessId;
        while (!stop.IsCancellationRequested)
        {
            if (long.TryParse(Query($"--query-gpu=memory.used --format=csv,noheader,nounits -i {index}")?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long used))
                Raise(ref peakGpu, used);
            foreach (var line in (Query("--query-compute-apps=pid,used_memory --format=csv,noheader,nounits") ?? "").Split('\n'))
            {
                var parts = line.Split(',');
                if (parts.Length == 2 && int.TryParse(parts[0].Trim(), out int p) && p == pid &&
                    long.TryParse(parts[1].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long mine))
                    Raise(ref peakProcess, mine);
            }
            stop.Token.WaitHandle.WaitOne(200);
        }
    }

    private static void Raise(ref long peak, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref peak)) && Interlocked.CompareExchange(ref peak, value, seen) != seen)
        {
        }
    }

    private static string? Query(string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("nvidia-smi", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false });
            if (process is null) return null;
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;   // no nvidia-smi on this machine
        }
    }
}
