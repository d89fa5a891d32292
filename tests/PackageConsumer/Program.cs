using IRanker.Datasets;
using IRanker.Model.Runtime;
using TorchSharp;

// Uses the packages as a user would: the runtime fix must come with them.
var report = TorchRuntime.EnsureInitialized();
using var x = torch.arange(6, dtype: torch.float32).reshape(2, 3);
using var y = x.matmul(x.T);
float sum = y.sum().item<float>();
Console.WriteLine($"libtorch from {report.LibTorchSource}; patches this run: {report.Patches.Count}; sum(x x^T) = {sum}");

// The data package on its own: generate, write (parquet needs its dependency at run time), read back.
var folder = Directory.CreateTempSubdirectory("iranker-consumer-").FullName;
try
{
    var data = RankingBenchMini.WriteTo(folder, new RankingBenchMiniOptions { TrainQueriesPerTask = 2, TestQueriesPerTask = 1, Tasks = ["Passage-5"] });
    var again = RankingBenchLoader.Load(Path.Combine(folder, "parquet", "Passage-5.train.parquet"));
    Console.WriteLine($"Ranking-bench-mini: {data.Train.Count} training lists written, {again.Count} read back from parquet");
    if (again.Count != data.Train.Count || !again[0].Candidates.SequenceEqual(data.Train[0].Candidates)) return 1;
}
finally
{
    Directory.Delete(folder, recursive: true);
}
return sum == 5f + 14f + 14f + 50f ? 0 : 1;
