using IRanker.Benchmarks;
using IRanker.Benchmarks.Calibration;
using IRanker.Benchmarks.Gpu;

// "gpu" runs checks and measurements with PASS/FAIL and an exit code (docs/gpu.md); it writes no docs section.
if (args.Length > 0 && args[0].Equals("gpu", StringComparison.OrdinalIgnoreCase)) return GpuCheckCommand.Run(args.Skip(1).ToArray());
// "verl export" writes a training set in verl's data layout (docs/scale-out.md); it writes no docs section either.
if (args.Length > 0 && args[0].Equals("verl", StringComparison.OrdinalIgnoreCase)) return VerlCommand.Run(args.Skip(1).ToArray());

// "iranker-mini" makes the project's ready checkpoint (docs/iranker-mini.md); it writes model folders, not a docs section.
if (args.Length > 0 && args[0].Equals("iranker-mini", StringComparison.OrdinalIgnoreCase)) return IRanker.Benchmarks.Mini.IRankerMiniCommand.Run(args.Skip(1).ToArray());

// Each subcommand measures one thing and writes its own section of docs/benchmarks.md.
var commands = new Dictionary<string, IBenchmarkCommand>(StringComparer.OrdinalIgnoreCase)
{
    ["model"] = new ModelThroughputBenchmark(),
    ["ranking"] = new RankingThroughputBenchmark(),
    ["training"] = new TrainingBenchmark(),
    ["learning-curve"] = new LearningCurveBenchmark(),
    ["long-inputs"] = new LongInputBenchmark(),
    ["integrity"] = new IntegrityBenchmark(),
    ["schedules"] = new ScheduleBenchmark(),
    ["order"] = new OrderSensitivityBenchmark(),
    ["calibrate"] = new CalibrationBenchmark(),
    ["packing-throughput"] = new PackingThroughputBenchmark(),
    ["packing-curve"] = new PackingCurveBenchmark(),
    ["word-knowledge"] = new IRanker.Benchmarks.Mini.WordKnowledgeBenchmark(),
    ["curriculum"] = new IRanker.Benchmarks.Mini.CurriculumBenchmark(),
};

if (args.Length == 0 || !commands.TryGetValue(args[0], out var command))
{
    Console.Error.WriteLine($"usage: dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- <{string.Join("|", commands.Keys)}|gpu|verl|iranker-mini> [--docs <path to benchmarks.md>]");
    return 2;
}
// A measurement that runs in a child process of its own prints its result line and writes no section.
if (args.Contains("--case")) { command.Run(args.Skip(1).ToArray()); return 0; }
var docs = BenchmarkReport.DocsPath(args);
var section = command.Run(args.Skip(1).ToArray());
BenchmarkReport.WriteSection(docs, command.Title, section);
Console.WriteLine($"Wrote section '{command.Title}' of {docs}.");
return 0;
