using IRanker.Model;

namespace IRanker.Datasets.Tests;

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
    public void Written_lists_read_back_unchanged()
    {
        var path = Path.Combine(_folder, "awkward.tsv");
        RankingTsv.Write(path, [Awkward, Awkward]);

        var again = RankingTsv.Read(path);

        File.ReadLines(path).First().Should().Be("GroupId\tQuery\tCandidate\tCandidateId\tLabel\tTask");
        File.ReadLines(path).Skip(1).Select(line => line.Split('\t')[0]).Should().Equal("1", "1", "2", "2");
        again.Should().HaveCount(2);
        again[0].Context.Should().Be(Awkward.Context);
        again[0].Candidates.Should().Equal(Awkward.Candidates);
        again[0].Candidates[1].Text.Should().Be("say \"hi\", then\tleave");
        again[0].Scenario.Should().Be(RankingScenario.Passage);
        again[0].Task.Should().Be("Passage-5");
        again.Select(q => q.QueryId).Should().Equal("1", "2");
    }

    [Fact]
    public void Unknown_labels_are_written_as_NaN_and_read_back_as_unknown()
    {
        var path = Path.Combine(_folder, "unlabelled.tsv");
        RankingTsv.Write(path, [new RankingQuery("q", [new("a", "first"), new("b", "second", 1)])]);

        var again = RankingTsv.Read(path);

        File.ReadLines(path).ElementAt(1).Should().EndWith("\tNaN\t");
        again[0].Candidates.Select(c => c.Label).Should().Equal(null, 1f);
        again[0].Scenario.Should().Be(RankingScenario.Generic);
        again[0].Task.Should().BeNull();
    }

    [Fact]
    public void A_Ranking_bench_task_name_gives_the_short_task_and_its_scenario()
    {
        var path = Path.Combine(_folder, "rec.tsv");
        File.WriteAllText(path, RankingTsv.Header + "\n7\thistory\tSilent Harbor\tSilent Harbor\t1\tRec-Movie\n");

        var again = RankingTsv.Read(path);

        again.Should().ContainSingle().Which.Should().Match<RankingQuery>(q =>
            q.Task == "Movie" && q.Scenario == RankingScenario.Recommendation && q.QueryId == "7");
    }

    [Fact]
    public void A_malformed_line_is_reported_with_file_line_and_field()
    {
        var path = Path.Combine(_folder, "bad.tsv");
        File.WriteAllText(path, RankingTsv.Header + "\n1\tq\tc\tid\t1\tMovie\n2\tq\tc\tid\thigh\tMovie\n");

        var act = () => RankingTsv.Read(path);

        act.Should().Throw<RankingBenchFormatException>()
            .Where(e => e.Record == 3 && e.Field == "Label" && e.FilePath == path)
            .WithMessage("*bad.tsv, line 3, field 'Label': 'high' is not a number.");
    }
}
