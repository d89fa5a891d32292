using IRanker.Datasets;
using IRanker.MLNet.Rows;
using IRanker.Model;
using Microsoft.ML;

namespace IRanker.MLNet.Tests.Rows;

// RankingRow is the ML.NET side of the TSV layout that IRanker.Datasets writes: these tests hold the two packages to it.
public sealed class RankingRowTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ranking-row-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly RankingQuery Awkward = new(
        "Silent Harbor (1997) [Drama]\nCold \"Tide\" (2001) [Crime|Drama]\tC:\\path",
        [new("passage 1", "line one\r\nline two", 2), new("passage 2", "say \"hi\", then\tleave", 0)],
        RankingScenario.Passage, "Passage-5", "x");

    [Fact]
    public void Rows_turn_back_into_the_same_lists()
    {
        var unlabelled = new RankingQuery("q", [new("a", "first"), new("b", "second", 1)]);

        var rows = RankingRows.FromQueries([Awkward, unlabelled]);
        var again = RankingRows.ToQueries(rows);

        rows.Select(r => r.GroupId).Should().Equal(1u, 1u, 2u, 2u);
        rows[2].Label.Should().Be(float.NaN);
        again.Should().HaveCount(2);
        again[0].Context.Should().Be(Awkward.Context);
        again[0].Candidates.Should().Equal(Awkward.Candidates);
        again[0].Scenario.Should().Be(RankingScenario.Passage);
        again[0].Task.Should().Be("Passage-5");
        again[1].Candidates.Select(c => c.Label).Should().Equal(null, 1f);
        again[1].Scenario.Should().Be(RankingScenario.Generic);
        again[1].Task.Should().BeNull();
        again.Select(q => q.QueryId).Should().Equal("1", "2");
    }

    [Fact]
    public void MLNet_loads_the_mini_benchmark_with_one_row_per_candidate()
    {
        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { TrainQueriesPerTask = 20, TestQueriesPerTask = 5 });
        var path = Path.Combine(_folder, "train.tsv");
        RankingTsv.Write(path, data.Train);
        var mlContext = new MLContext(seed: 1);

        var view = mlContext.Data.LoadFromTextFile<RankingRow>(path, separatorChar: '\t', hasHeader: true, allowQuoting: false);
        var rows = mlContext.Data.CreateEnumerable<RankingRow>(view, reuseRowObject: false).ToList();

        int expected = data.Train.Sum(q => q.Candidates.Count);   // 3 x 20 x 20 + 3 x 20 x 10 + 20 x (5 + 7 + 9)
        expected.Should().Be(2220);
        rows.Should().HaveCount(expected);
        rows.Select(r => r.GroupId).Distinct().Should().HaveCount(180);
        rows.Select(r => r.Task).Distinct().Should().BeEquivalentTo(RankingBenchMini.TaskNames);
        rows.Should().OnlyContain(r => r.CandidateId.Length > 0 && r.Label >= 0);
        RankingTsv.Unescape(rows[0].Query).Should().Be(data.Train[0].Context);
        rows[0].CandidateId.Should().Be(data.Train[0].Candidates[0].Id);
    }

    [Fact]
    public void MLNet_keeps_quotes_and_escaped_tabs_inside_one_field()
    {
        var path = Path.Combine(_folder, "awkward.tsv");
        RankingTsv.Write(path, [Awkward]);
        var mlContext = new MLContext(seed: 1);

        var view = mlContext.Data.LoadFromTextFile<RankingRow>(path, separatorChar: '\t', hasHeader: true, allowQuoting: false);
        var rows = mlContext.Data.CreateEnumerable<RankingRow>(view, reuseRowObject: false).ToList();

        rows.Should().HaveCount(2);
        rows[1].Candidate.Should().Be("say \"hi\", then\\tleave");
        rows[1].Label.Should().Be(0f);
        rows[1].Task.Should().Be("Passage-5");
    }
}
