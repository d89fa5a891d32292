using IRanker.Model.Runtime;
using TorchSharp;

// Placeholder main job until the quickstart lands: proves that libtorch loads and runs here.
var report = TorchRuntime.EnsureInitialized();
Console.WriteLine($"libtorch: {report.LibTorchSource}; CUDA available: {report.CudaAvailable}");
foreach (var patch in report.Patches) Console.WriteLine($"compatibility fix applied: {patch}");
using var a = torch.randn(256, 256);
using var b = a.matmul(a.T);
Console.WriteLine($"256x256 matmul on {TorchRuntime.ResolveDevice("auto")}: trace = {b.trace().item<float>():F3}");
