using IRanker.MLNet.Datasets;
using IRanker.Model.Ranking;
using Microsoft.ML;

namespace IRanker.MLNet.Tests.Datasets;

public sealed class RankingTsvTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ranking-tsv-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly RankingQuery Awkward = new(
        "Silent Harbor (1997) [Drama]\nCold \"Tide\" (2001) [Crime|Drama]\tC:\\path",
        [new("passage 1", "line one\r\nline two", 2), new("passage 2", "say \"hi\", then\tleave", 0)],
        RankingScenario.Passage, "Passage-5", "x");

    [Fact]
    public void Escaping_round_trips_backslashes_tabs_and_line_breaks()
    {
        var text = "a\\b\tc\nd\re \\n literal";

        RankingTsv.Escape(text).Should().NotContainAny("\t", "\n", "\r");
        RankingTsv.Unescape(RankingTsv.Escape(text)).Should().Be(text);
    }

    [Fact]
    public void Written_rows_read_back_unchanged()
    {
        var path = Path.Combine(_folder, "awkward.tsv");
        RankingTsv.Write(path, [Awkward, Awkward]);

        var rows = RankingTsv.ReadRows(path);

        File.ReadLines(path).First().Should().Be("GroupId\tQuery\tCandidate\tCandidateId\tLabel\tTask");
        rows.Select(r => r.GroupId).Should().Equal(1u, 1u, 2u, 2u);
        rows[0].Query.Should().Be(Awkward.Context);
        rows[1].Candidate.Should().Be("say \"hi\", then\tleave");
        rows[0].Label.Should().Be(2f);
        var again = RankingRows.ToQueries(rows);
        again.Should().HaveCount(2);
        again[0].Candidates.Should().Equal(Awkward.Candidates);
        again[0].Scenario.Should().Be(RankingScenario.Passage);
        again[0].Task.Should().Be("Passage-5");
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

    [Fact]
    public void A_malformed_line_is_reported_with_file_line_and_field()
    {
        var path = Path.Combine(_folder, "bad.tsv");
        File.WriteAllText(path, RankingTsv.Header + "\n1\tq\tc\tid\t1\tMovie\n2\tq\tc\tid\thigh\tMovie\n");

        var act = () => RankingTsv.ReadRows(path);

        act.Should().Throw<RankingBenchFormatException>()
            .Where(e => e.Record == 3 && e.Field == "Label" && e.FilePath == path)
            .WithMessage("*bad.tsv, line 3, field 'Label': 'high' is not a number.");
    }
}
