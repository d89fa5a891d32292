using System.Runtime.InteropServices;

namespace IRanker.Model.Runtime;

/// <summary>
/// Tunes glibc's allocator for libtorch before the first large allocation: large blocks stay in the process instead of
/// being returned to the kernel and faulted in again on the next step.
/// </summary>
/// <remarks>
/// <para>By default glibc serves blocks above a (dynamic) threshold of at most 32 MiB with <c>mmap</c> and returns them
/// with <c>munmap</c>, and gives the top of the heap back to the kernel once more than a threshold is free. libtorch
/// allocates and frees activations, gradients and attention scores of that size every step, so every step pays page
/// faults and zeroing in the kernel: on two cores the quickstart spent about a fifth of its CPU time in the kernel.</para>
/// <para>What is set, with <c>mallopt</c>, on glibc Linux only: <c>M_MMAP_THRESHOLD</c> (-3) and <c>M_TRIM_THRESHOLD</c> (-1)
/// to 2 GiB - 1, and <c>M_TOP_PAD</c> (-2) to 256 MiB. The cost: memory freed by libtorch stays with the process for
/// reuse, so its resident size stays near its peak instead of falling back between steps.</para>
/// <para>Nothing is changed when <see cref="OptOutVariable"/> is <c>0</c>, or when the process already sets glibc's
/// allocator through the environment (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>,
/// <c>MALLOC_TOP_PAD_</c>, <c>MALLOC_MMAP_MAX_</c> or <c>GLIBC_TUNABLES</c>): the user's settings win. docs/runtime.md.</para>
/// </remarks>
internal static class NativeAllocator
{
    /// <summary>The environment variable that turns the tuning off (<c>0</c>).</summary>
    public const string OptOutVariable = "IRANKER_MALLOC_TUNING";

    // glibc's <malloc.h>.
    private const int M_TRIM_THRESHOLD = -1;
    private const int M_TOP_PAD = -2;
    private const int M_MMAP_THRESHOLD = -3;

    private const int Threshold = int.MaxValue;       // 2 GiB - 1: mallopt takes an int
    private const int TopPad = 256 << 20;

    private static readonly string[] UserSettings =
        ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_", "GLIBC_TUNABLES"];

    private delegate int MallOpt(int parameter, int value);

    /// <summary>Applies the settings where they apply; returns what was done, for <see cref="TorchRuntimeReport"/>.</summary>
    public static string Configure()
    {
        if (!OperatingSystem.IsLinux()) return "not Linux: allocator unchanged";
        if (Environment.GetEnvironmentVariable(OptOutVariable) == "0") return $"{OptOutVariable}=0: allocator unchanged";
        if (UserSettings.FirstOrDefault(v => Environment.GetEnvironmentVariable(v) is not null) is { } set)
            return $"{set} is set: allocator left to the environment";
        if (!NativeLibrary.TryLoad("libc.so.6", out IntPtr libc)) return "no libc.so.6: allocator unchanged";
        // gnu_get_libc_version exists only in glibc (musl has no libc.so.6 with it).
        if (!NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _) || !NativeLibrary.TryGetExport(libc, "mallopt", out IntPtr mallopt))
            return "not glibc: allocator unchanged";

        var mallOpt = Marshal.GetDelegateForFunctionPointer<MallOpt>(mallopt);
        bool ok = mallOpt(M_MMAP_THRESHOLD, Threshold) == 1;
        ok &= mallOpt(M_TRIM_THRESHOLD, Threshold) == 1;
        ok &= mallOpt(M_TOP_PAD, TopPad) == 1;
        return ok
            ? $"glibc mallopt: M_MMAP_THRESHOLD and M_TRIM_THRESHOLD {Threshold:N0}, M_TOP_PAD {TopPad:N0} ({OptOutVariable}=0 turns this off)"
            : "glibc mallopt refused a setting: allocator partly unchanged";
    }
}
