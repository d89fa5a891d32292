using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace IRanker.Server.Hosting;

/// <summary>
/// The native heap that libtorch allocates from (glibc's malloc on Linux): its statistics, for the metrics and the
/// memory bound, and the calls that give its free memory back to the kernel. Elsewhere (not glibc) every call is a
/// no-op and <see cref="IsAvailable"/> is false.
/// </summary>
/// <remarks>
/// glibc gives each thread that allocates an arena of its own, up to 8 per core; an arena keeps what was freed in it
/// for reuse and returns only the free top of its heap to the kernel, so a server whose rounds run on many threads
/// keeps one peak per arena. <see cref="Trim"/> (<c>malloc_trim(0)</c>) returns the free pages of every arena, the
/// middle of a heap included.
/// </remarks>
internal static partial class NativeHeap
{
    private static readonly Functions? Libc = Load();

    /// <summary>Whether the process runs on glibc, so that the statistics and trimming work.</summary>
    public static bool IsAvailable => Libc is not null;

    /// <summary>The process's resident memory in bytes (<c>/proc/self/statm</c>), or 0 where it cannot be read.</summary>
    public static long ResidentBytes()
    {
        try
        {
            string statm = File.ReadAllText("/proc/self/statm");
            var fields = statm.Split(' ', 3);
            return long.Parse(fields[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    /// <summary>The process's peak resident memory in bytes (<c>VmHWM</c>) since the start or the last <see cref="ResetPeak"/>; 0 where it cannot be read.</summary>
    public static long PeakResidentBytes()
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }
        return 0;
    }

    /// <summary>Starts a new peak for <see cref="PeakResidentBytes"/> (writes 5 to <c>/proc/self/clear_refs</c>); false where that is not allowed.</summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>glibc's <c>mallinfo2</c>: what the heap holds, summed over its arenas; null when not available.</summary>
    public static HeapStatistics? Statistics()
    {
        if (Libc?.MallInfo2 is not { } mallInfo2) return null;
        var info = mallInfo2();
        return new HeapStatistics(
            InUseBytes: (long)info.uordblks + (long)info.hblkhd,
            FreeBytes: (long)info.fordblks,
            MappedBytes: (long)info.hblkhd,
            SystemBytes: (long)info.arena + (long)info.hblkhd,
            Arenas: ArenaCount());
    }

    /// <summary>Returns the free memory of every arena to the kernel (<c>malloc_trim(0)</c>); true when some was returned.</summary>
    public static bool Trim() => Libc is { } libc && libc.MallocTrim(0) == 1;

    /// <summary>How many arenas the heap has: the <c>heap</c> elements of <c>malloc_info</c>'s report; 0 when unknown.</summary>
    private static int ArenaCount()
    {
        if (Libc is not { OpenMemStream: { } open, MallocInfo: { } info, FClose: { } close, Free: { } free }) return 0;
        IntPtr stream = open(out IntPtr buffer, out _);
        if (stream == IntPtr.Zero) return 0;
        try
        {
            info(0, stream);
        }
        finally
        {
            close(stream);
        }
        try
        {
            string xml = Marshal.PtrToStringUTF8(buffer) ?? "";
            return HeapElement().Count(xml);
        }
        finally
        {
            free(buffer);
        }
    }

    [GeneratedRegex("<heap nr=")]
    private static partial Regex HeapElement();

    private static Functions? Load()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out IntPtr libc)) return null;
        // gnu_get_libc_version exists only in glibc.
        if (!NativeLibrary.TryGetExport(libc, "gnu_get_libc_version", out _)
            || !NativeLibrary.TryGetExport(libc, "malloc_trim", out IntPtr trim))
            return null;
        return new Functions(
            Marshal.GetDelegateForFunctionPointer<MallocTrimFunction>(trim),
            Optional<MallInfo2Function>(libc, "mallinfo2"),   // glibc 2.33 and later
            Optional<OpenMemStreamFunction>(libc, "open_memstream"),
            Optional<MallocInfoFunction>(libc, "malloc_info"),
            Optional<FCloseFunction>(libc, "fclose"),
            Optional<FreeFunction>(libc, "free"));
    }

    private static T? Optional<T>(IntPtr library, string name) where T : Delegate =>
        NativeLibrary.TryGetExport(library, name, out IntPtr address) ? Marshal.GetDelegateForFunctionPointer<T>(address) : null;

    private sealed record Functions(
        MallocTrimFunction MallocTrim, MallInfo2Function? MallInfo2,
        OpenMemStreamFunction? OpenMemStream, MallocInfoFunction? MallocInfo, FCloseFunction? FClose, FreeFunction? Free);

    private delegate int MallocTrimFunction(nuint pad);

    private delegate MallInfo2 MallInfo2Function();

    private delegate IntPtr OpenMemStreamFunction(out IntPtr buffer, out nuint size);

    private delegate int MallocInfoFunction(int options, IntPtr stream);

    private delegate int FCloseFunction(IntPtr stream);

    private delegate void FreeFunction(IntPtr pointer);

    /// <summary>glibc's <c>struct mallinfo2</c> (every field a <c>size_t</c>).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
#pragma warning disable CS0649, IDE1006   // written by glibc; glibc's names
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
#pragma warning restore CS0649, IDE1006
    }
}

/// <summary>The native heap's totals over its arenas.</summary>
/// <param name="InUseBytes">Allocated and not yet freed (in arenas and in separately mapped blocks).</param>
/// <param name="FreeBytes">Freed but kept by the arenas for reuse: resident until trimmed or reused.</param>
/// <param name="MappedBytes">Allocated in blocks mapped on their own (returned to the kernel when freed).</param>
/// <param name="SystemBytes">What the heap took from the kernel (arenas and mapped blocks).</param>
/// <param name="Arenas">The number of arenas (0 when unknown).</param>
internal sealed record HeapStatistics(long InUseBytes, long FreeBytes, long MappedBytes, long SystemBytes, int Arenas);
