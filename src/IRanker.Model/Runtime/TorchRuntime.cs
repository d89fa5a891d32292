using System.Runtime.InteropServices;
using TorchSharp;

namespace IRanker.Model.Runtime;

/// <summary>
/// The one door to libtorch. Every entry point of the library calls <see cref="EnsureInitialized"/>
/// before it touches TorchSharp, so that the native libraries load on every supported machine.
/// </summary>
/// <remarks>
/// <para>What it does, once per process:</para>
/// <list type="number">
/// <item>On Linux hosts whose libstdc++ lacks a version that TorchSharp's native library asks for
/// (GLIBCXX_3.4.32 on Debian 12 and Ubuntu 22.04), it marks that requirement weak in the copy of
/// <c>libLibTorchSharp.so</c> beside <c>TorchSharp.dll</c> (an atomic rewrite of that file, done once).
/// See docs/runtime.md.</item>
/// <item>When the environment variable <c>IRANKER_LIBTORCH</c> names a folder (for example a Python
/// PyTorch install's <c>torch/lib</c>), it loads libtorch from there by full path before TorchSharp
/// initialises, which is how CUDA is used without the CUDA NuGet packages.</item>
/// <item>On glibc Linux it raises glibc's malloc thresholds before libtorch's first allocation, so that large blocks are
/// reused instead of being returned to the kernel and faulted in again every step (opt out with
/// <c>IRANKER_MALLOC_TUNING=0</c>; docs/runtime.md).</item>
/// </list>
/// <example>
/// <code>
/// TorchRuntime.EnsureInitialized();
/// var device = TorchRuntime.ResolveDevice("auto"); // cuda:0 where available, else cpu
/// </code>
/// </example>
/// </remarks>
public static class TorchRuntime
{
    /// <summary>The environment variable that names an existing libtorch folder.</summary>
    public const string LibTorchVariable = "IRANKER_LIBTORCH";

    private static readonly string[] LibTorchLoadOrder =
        ["libc10.so", "libtorch_cpu.so", "libc10_cuda.so", "libtorch_cuda.so", "libtorch.so"];

    private static readonly object Gate = new();
    private static TorchRuntimeReport? report;

    /// <summary>What <see cref="EnsureInitialized"/> found and did; null before the first call.</summary>
    public static TorchRuntimeReport? Report => report;

    /// <summary>Loads libtorch once per process (idempotent and thread-safe) and returns what was done.</summary>
    /// <exception cref="InvalidOperationException">libtorch cannot be loaded; the message says why and what to do.</exception>
    public static TorchRuntimeReport EnsureInitialized()
    {
        if (report is { } done) return done;
        lock (Gate)
        {
            if (report is { } again) return again;
            report = Initialize();
            return report;
        }
    }

    /// <summary>
    /// Turns a device name into a TorchSharp device: <c>"cpu"</c>, <c>"cuda"</c> (the first GPU),
    /// <c>"cuda:N"</c>, or <c>"auto"</c> (the first GPU where CUDA is available, else the CPU).
    /// </summary>
    /// <exception cref="ArgumentException">The name is none of the above.</exception>
    /// <exception cref="InvalidOperationException">CUDA was asked for and is not available.</exception>
    public static torch.Device ResolveDevice(string? name)
    {
        var spec = DeviceSpec.Parse(name);
        var state = EnsureInitialized();
        if (spec.IsCpu) return torch.CPU;
        if (spec.IsAuto) return state.CudaAvailable ? torch.CUDA : torch.CPU;
        if (!state.CudaAvailable)
            throw new InvalidOperationException(
                $"Device '{name}' was requested, but CUDA is not available in this process (libtorch: {state.LibTorchSource}). " +
                $"To use a GPU either build with -p:TorchBackend=cuda (references TorchSharp-cuda-linux), or set {LibTorchVariable} " +
                "to the lib folder of a CUDA-enabled libtorch (for example python3 -c \"import torch,os;print(os.path.dirname(torch.__file__)+'/lib')\"). " +
                "Otherwise use Device = \"cpu\" or \"auto\".");
        int count = torch.cuda.device_count();
        if (spec.Index >= count)
            throw new InvalidOperationException($"Device '{name}' was requested, but this machine has {count} CUDA device(s) (cuda:0..cuda:{count - 1}).");
        return new torch.Device(DeviceType.CUDA, spec.Index);
    }

    private static TorchRuntimeReport Initialize()
    {
        // Before libtorch loads and allocates: tuned glibc malloc thresholds (NativeAllocator, docs/runtime.md).
        string allocator = NativeAllocator.Configure();
        string torchSharpDir = Path.GetDirectoryName(typeof(torch).Assembly.Location) ?? AppContext.BaseDirectory;
        var patched = new List<string>();
        string? glibcxxNote = null;
        string source = "TorchSharp package (CPU)";
        bool cudaLibraries = false;

        if (OperatingSystem.IsLinux())
        {
            var native = FindLibTorchSharp(torchSharpDir);
            var host = HostLibStdCxx.Find();
            if (native.Count > 0 && host is not null)
            {
                var defined = ElfVersionPatcher.ReadDefinitions(File.ReadAllBytes(host));
                foreach (var lib in native)
                {
                    var weakened = GlibcxxCompatibility.PatchIfNeeded(lib, defined);
                    if (weakened.Count > 0) patched.Add($"{lib}: {string.Join(", ", weakened)} marked weak");
                }
                glibcxxNote = $"host libstdc++: {host}";
            }

            string? libtorchDir = Environment.GetEnvironmentVariable(LibTorchVariable);
            if (!string.IsNullOrWhiteSpace(libtorchDir))
            {
                cudaLibraries = PreloadExistingLibTorch(libtorchDir, native);
                source = $"{LibTorchVariable}={libtorchDir}";
            }
            else if (File.Exists(Path.Combine(torchSharpDir, "libtorch_cuda.so")))
            {
                cudaLibraries = true;
                source = "TorchSharp package (CUDA)";
            }
        }

        bool cuda = false;
        string? cudaError = null;
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidOperationException(
                $"TorchSharp could not load libtorch ({source}). {glibcxxNote}. " +
                $"Check that the libtorch-cpu-linux-x64 package (or {LibTorchVariable}) provides libtorch 2.10-compatible libraries. " +
                $"Inner error: {e.Message}", e);
        }
        if (cudaLibraries)
        {
            try
            {
                torch.InitializeDeviceType(DeviceType.CUDA);
                cuda = torch.cuda.is_available();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                cudaError = e.Message;
            }
        }
        return new TorchRuntimeReport(source, patched, cuda, cudaError)
        {
            Allocator = allocator,
            IntraOpThreads = torch.get_num_threads(),
            InterOpThreads = torch.get_num_interop_threads(),
        };
    }

    private static List<string> FindLibTorchSharp(string torchSharpDir)
    {
        var candidates = new[]
        {
            Path.Combine(torchSharpDir, "libLibTorchSharp.so"),
            Path.Combine(torchSharpDir, "runtimes", "linux-x64", "native", "libLibTorchSharp.so"),
        };
        return candidates.Where(File.Exists).ToList();
    }

    /// <summary>Loads libtorch by full path from a folder; returns whether its CUDA libraries were present.</summary>
    private static bool PreloadExistingLibTorch(string dir, IReadOnlyList<string> libTorchSharp)
    {
        if (!Directory.Exists(dir))
            throw new InvalidOperationException(
                $"{LibTorchVariable} is set to '{dir}', which is not a folder. Point it at a libtorch lib folder " +
                "(one that holds libtorch_cpu.so), or unset it to use the libtorch NuGet package.");
        if (!File.Exists(Path.Combine(dir, "libtorch_cpu.so")))
            throw new InvalidOperationException(
                $"{LibTorchVariable} is set to '{dir}', but that folder has no libtorch_cpu.so. Point it at a libtorch lib folder, " +
                "for example the output of: python3 -c \"import torch,os;print(os.path.dirname(torch.__file__)+'/lib')\".");
        bool cuda = false;
        foreach (var name in LibTorchLoadOrder)
        {
            var path = Path.Combine(dir, name);
            if (!File.Exists(path)) continue;
            try { NativeLibrary.Load(path); }
            catch (DllNotFoundException e)
            {
                throw new InvalidOperationException($"Could not load '{path}' from {LibTorchVariable}: {e.Message}", e);
            }
            cuda |= name == "libtorch_cuda.so";
        }
        foreach (var lib in libTorchSharp.Take(1)) NativeLibrary.Load(lib);
        return cuda;
    }
}

/// <summary>What <see cref="TorchRuntime.EnsureInitialized"/> found and did.</summary>
/// <param name="LibTorchSource">Where libtorch came from (the CPU package, the CUDA package, or IRANKER_LIBTORCH).</param>
/// <param name="Patches">Native libraries whose GLIBCXX requirements were marked weak for this host, with what was marked.</param>
/// <param name="CudaAvailable">Whether CUDA initialised.</param>
/// <param name="CudaError">Why CUDA failed to initialise where its libraries were present; null otherwise.</param>
public sealed record TorchRuntimeReport(string LibTorchSource, IReadOnlyList<string> Patches, bool CudaAvailable, string? CudaError)
{
    /// <summary>What was done to the native allocator (glibc's malloc thresholds), or why nothing was; see docs/runtime.md.</summary>
    public string Allocator { get; init; } = "";

    /// <summary>libtorch's intra-op threads (the threads of one operation, e.g. a matrix product) at initialisation.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>libtorch's inter-op threads at initialisation (operations run side by side; TorchSharp runs them one after another).</summary>
    public int InterOpThreads { get; init; }
}
