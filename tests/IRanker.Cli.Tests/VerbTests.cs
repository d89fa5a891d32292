using System.Diagnostics;
using System.Text.Json;
using IRanker.Cli.Tests.Support;
using IRanker.Datasets;
using IRanker.Model;

namespace IRanker.Cli.Tests;

/// <summary>train → evaluate → rank → convert → info on one tiny model, in this process and in new ones.</summary>
public class VerbTests(TrainedModel model) : IClassFixture<TrainedModel>
{
    [Fact]
    public void Train_writes_a_model_and_says_where_it_started()
    {
        model.Result.ExitCode.Should().Be(0, model.Result.ToString());
        File.Exists(model.Zip).Should().BeTrue();
        model.Result.Out.Should().Contain("trained from scratch (--from-scratch)").And.Contain("WarmStart step 2/2").And.Contain("Reinforcement step 1/1");
    }

    [Fact]
    public void Evaluate_reports_every_metric_per_task_and_overall_for_the_model_and_the_baselines()
    {
        var result = Command.Run("evaluate", "--model", model.Zip, "--data", model.Test, "--baselines", "random,bm25", "--train", model.Train, "--format", "json");
        result.ExitCode.Should().Be(0, result.ToString());
        var rows = JsonDocument.Parse(result.Out).RootElement.EnumerateArray().ToArray();
        rows.Select(r => (r.GetProperty("system").GetString(), r.GetProperty("task").GetString())).Should().BeEquivalentTo(
            [("iranker", "Passage-4"), ("iranker", "overall"), ("random", "Passage-4"), ("random", "overall"),
             ("bm25", "Passage-4"), ("bm25", "overall"), ("lightgbm", "Passage-4"), ("lightgbm", "overall")]);
        foreach (var row in rows)
        {
            row.GetProperty("lists").GetInt32().Should().Be(4);
            foreach (var metric in new[] { "ndcg@1", "ndcg@3", "ndcg@5", "ndcg@10", "mrr", "hit@1", "hit@3", "hit@5" })
                row.GetProperty(metric).GetDouble().Should().BeInRange(0, 1);
            row.GetProperty("hit@5").GetDouble().Should().Be(1, "every list has 4 candidates and a relevant one");
        }

        var csv = Command.Run("evaluate", "--model", model.Zip, "--data", model.Test, "--format", "csv");
        csv.Out.Split('\n')[0].Should().Be("system,task,lists,ndcg@1,ndcg@3,ndcg@5,ndcg@10,mrr,hit@1,hit@3,hit@5");
        var table = Command.Run("evaluate", "--model", model.Zip, "--data", model.Test, "--baselines", "bm25");
        table.Out.Should().Contain("ndcg@10").And.Contain("bm25");
        Command.Run("evaluate", "--model", model.Zip, "--data", model.Test, "--baselines", "oracle").ExitCode.Should().Be(ExitCodes.Usage);
    }

    [Theory]
    [InlineData(".tsv")]
    [InlineData(".csv")]
    [InlineData(".jsonl")]
    [InlineData(".parquet")]
    public void Rank_reads_and_writes_every_format_with_the_same_ranks(string extension)
    {
        var rows = TestLists.Rows(4, firstTopic: 8, task: "Passage-4");
        string reference = model.File("reference.tsv");
        Command.Run("rank", "--model", model.Zip, "--data", TestLists.Write(model.File("reference-input.tsv"), rows), "--output", reference).ExitCode.Should().Be(0);
        string input = TestLists.Write(model.File("input" + extension), rows);
        string output = model.File("ranked" + extension);
        var result = Command.Run("rank", "--model", model.Zip, "--data", input, "--output", output);
        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("Ranked 4 lists (16 rows)");
        var ranks = TestLists.Ranks(output);
        ranks.Chunk(4).Should().AllSatisfy(group => group.Order().Should().Equal(1, 2, 3, 4));
        ranks.Should().Equal(TestLists.Ranks(reference));
        // The output keeps every input column, so it is evaluation data too.
        Command.Run("evaluate", "--model", model.Zip, "--data", output, "--format", "csv").ExitCode.Should().Be(0);
        var again = Command.Run("rank", "--model", model.Zip, "--data", output, "--output", model.File("again" + extension));
        again.ExitCode.Should().Be(ExitCodes.BadData);
        again.Error.Should().Contain("already has a column 'Rank'");
    }

    [Theory]
    [InlineData("bench.parquet")]
    [InlineData("bench.jsonl")]
    public void Ranking_bench_files_are_read_in_their_own_layout(string name)
    {
        var lists = TestLists.Rows(4, firstTopic: 8, task: "Passage-4").GroupBy(r => r.GroupId)
            .Select(g => new RankingQuery(g.First().Query, g.Select(r => new RankingCandidate(r.CandidateId, r.Candidate, r.Label)).ToArray(), RankingScenario.Passage, "Passage-4"))
            .ToArray();
        string file = model.File(name);
        if (name.EndsWith(".parquet", StringComparison.Ordinal)) RankingBenchWriter.WriteParquet(file, lists);
        else RankingBenchWriter.WriteJsonLines(file, lists);
        var result = Command.Run("evaluate", "--model", model.Zip, "--data", file, "--format", "csv");
        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("iranker,Passage-4,4,");
        var ranked = Command.Run("rank", "--model", model.Zip, "--data", file, "--output", model.File(name + ".tsv"));
        ranked.ExitCode.Should().Be(0, ranked.ToString());
        TestLists.Ranks(model.File(name + ".tsv")).Should().HaveCount(16);
    }

    [Fact]
    public void Convert_to_a_folder_and_back_ranks_identically()
    {
        string folder = model.File("hf"), zip = model.File("again.zip");
        Command.Run("convert", model.Zip, "--output", folder).ExitCode.Should().Be(0);
        File.Exists(Path.Combine(folder, "config.json")).Should().BeTrue();
        File.Exists(Path.Combine(folder, "model.safetensors")).Should().BeTrue();
        var back = Command.Run("convert", folder, "--output", zip);
        back.ExitCode.Should().Be(0, back.ToString());
        string first = model.File("first.tsv"), second = model.File("second.tsv");
        Command.Run("rank", "--model", model.Zip, "--data", model.Test, "--output", first).ExitCode.Should().Be(0);
        Command.Run("rank", "--model", zip, "--data", model.Test, "--output", second).ExitCode.Should().Be(0);
        File.ReadAllText(second).Should().Be(File.ReadAllText(first));
    }

    [Fact]
    public void Info_shows_digests_parameters_layout_and_the_training_options()
    {
        var result = Command.Run("info", model.Zip, "--format", "json");
        result.ExitCode.Should().Be(0, result.ToString());
        var info = JsonDocument.Parse(result.Out).RootElement;
        info.GetProperty("sha256").GetString().Should().HaveLength(64);
        info.GetProperty("parameters").GetInt64().Should().BeGreaterThan(0);
        info.GetProperty("layout").GetString().Should().Be("AppendOnly");
        info.GetProperty("options").GetProperty("TrainingSteps").GetInt32().Should().Be(1);
        info.GetProperty("options").GetProperty("Training").GetProperty("GroupSize").GetInt32().Should().Be(2);
        Command.Run("info", model.Zip).Out.Should().Contain("promptStyle").And.Contain("Options it was trained with");
    }

    [Fact]
    public void A_damaged_or_missing_model_is_exit_code_4()
    {
        string damaged = model.File("damaged.zip");
        var bytes = File.ReadAllBytes(model.Zip);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(damaged, bytes);
        var result = Command.Run("rank", "--model", damaged, "--data", model.Test, "--output", model.File("x.tsv"));
        result.ExitCode.Should().Be(ExitCodes.BadModel, result.ToString());
        Command.Run("info", model.File("none.zip")).ExitCode.Should().Be(ExitCodes.BadModel);
    }

    [Fact]
    public void A_new_process_ranks_identically()
    {
        string here = model.File("here.tsv"), there = model.File("there.tsv");
        Command.Run("rank", "--model", model.Zip, "--data", model.Test, "--output", here).ExitCode.Should().Be(0);
        var run = RunProcess(["rank", "--model", model.Zip, "--data", model.Test, "--output", there]);
        run.ExitCode.Should().Be(0, run.Output);
        File.ReadAllText(there).Should().Be(File.ReadAllText(here));
    }

    [Fact]
    public void Rank_streams_a_file_larger_than_the_GC_heap_limit()
    {
        const long heapLimit = 96L << 20;   // 96 MiB of managed heap
        string big = model.File("big.tsv");
        long bytes = 0;
        using (var writer = new StreamWriter(big))
        {
            writer.WriteLine("GroupId\tQuery\tCandidate\tNotes");
            string notes = new('n', 64_000);   // large rows, few lists: the file's size, not the model, is what is tested
            for (int g = 0; bytes < heapLimit + (32L << 20); g++)
            {
                foreach (var candidate in new[] { "the volcano explained", "bananas are yellow" })
                {
                    string line = $"{g}\ttell me about the volcano\t{candidate}\t{notes}";
                    writer.WriteLine(line);
                    bytes += line.Length + 1;
                }
            }
        }
        new FileInfo(big).Length.Should().BeGreaterThan(heapLimit);
        string output = model.File("big-ranked.tsv");
        var run = RunProcess(["rank", "--model", model.Zip, "--data", big, "--output", output], ("DOTNET_GCHeapHardLimit", heapLimit.ToString("X")));
        run.ExitCode.Should().Be(0, run.Output);
        new FileInfo(output).Length.Should().BeGreaterThan(heapLimit);
        File.Delete(big);
        File.Delete(output);
    }

    private static (int ExitCode, string Output) RunProcess(string[] args, params (string Name, string Value)[] environment)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(RepositoryPaths.CliDll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return (process.ExitCode, output.Result + error.Result);
    }
}
