namespace IRanker.Datasets.Tests;

public sealed class RankingBenchMiniFolderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ranking-bench-mini-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void WriteTo_writes_every_task_and_split_in_three_layouts_plus_a_manifest()
    {
        var data = RankingBenchMini.WriteTo(_folder, new RankingBenchMiniOptions { TrainQueriesPerTask = 6, TestQueriesPerTask = 2 });

        foreach (var task in RankingBenchMini.TaskNames)
        {
            foreach (var split in new[] { "train", "test" })
            {
                var expected = split == "train" ? data[task].Train : data[task].Test;
                RankingTsv.Read(Path.Combine(_folder, "tsv", $"{task}.{split}.tsv")).SelectMany(q => q.Candidates).Should().Equal(expected.SelectMany(q => q.Candidates));
                RankingBenchLoader.Load(Path.Combine(_folder, "jsonl", $"{task}.{split}.jsonl")).Should().HaveCount(expected.Count);
                RankingBenchLoader.Load(Path.Combine(_folder, "parquet", $"{task}.{split}.parquet")).Should().HaveCount(expected.Count);
            }
        }
        RankingBenchLoader.Load(Path.Combine(_folder, "jsonl", "Movie.test.jsonl"))[1].Candidates.Should().Equal(data["Movie"].Test[1].Candidates);
        RankingTsv.Read(Path.Combine(_folder, "train.tsv")).Should().HaveCount(54);
        RankingTsv.Read(Path.Combine(_folder, "test.tsv")).Should().HaveCount(18);
        File.ReadAllText(Path.Combine(_folder, "README.md")).Should().Contain("seed 42").And.Contain("| Passage-9 | Passage | 9 | 6 | 2 |");
    }
}
