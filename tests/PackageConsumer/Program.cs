using IRanker.Model.Runtime;
using TorchSharp;

// Uses the packages as a user would: the runtime fix must come with them.
var report = TorchRuntime.EnsureInitialized();
using var x = torch.arange(6, dtype: torch.float32).reshape(2, 3);
using var y = x.matmul(x.T);
float sum = y.sum().item<float>();
Console.WriteLine($"libtorch from {report.LibTorchSource}; patches this run: {report.Patches.Count}; sum(x x^T) = {sum}");
return sum == 5f + 14f + 14f + 50f ? 0 : 1;
