using IRanker.Cli.Tests.Support;

namespace IRanker.Cli.Tests;

/// <summary>Every bad file is refused before any training, with exit code 3 and a message naming the file, the line (parquet: row) and the column.</summary>
public class BadFileTests
{
    private static Command.Result Train(string file, params string[] more) =>
        Command.Run(["train", "--train", file, "--output", Path.Combine(Path.GetDirectoryName(file)!, "model.zip"), "--from-scratch", "--model-size", "Tiny", .. more]);

    private static void ShouldFail(Command.Result result, string file, string where, string column, string problem)
    {
        result.ExitCode.Should().Be(ExitCodes.BadData, result.ToString());
        result.Error.Should().Contain($"{file}{where}: column '{column}'").And.Contain(problem);
        File.Exists(Path.Combine(Path.GetDirectoryName(file)!, "model.zip")).Should().BeFalse();
    }

    [Theory]
    [InlineData(".tsv", ":1")]
    [InlineData(".csv", ":1")]
    [InlineData(".jsonl", "")]
    [InlineData(".parquet", "")]
    public void A_missing_column(string extension, string where)
    {
        using var folder = new TempFolder();
        string file = TestLists.Write(folder.File("data" + extension), TestLists.Rows(3));
        ShouldFail(Train(file, "--candidate-column", "Passage"), file, where, "Passage", "no such column");
    }

    [Fact]
    public void A_label_that_is_not_a_number_in_each_format()
    {
        using var folder = new TempFolder();
        var rows = TestLists.Rows(3);
        string tsv = TestLists.Write(folder.File("data.tsv"), rows);
        var lines = File.ReadAllLines(tsv);
        int bad = Array.FindIndex(lines, l => l.Contains("\t3\t"));
        lines[bad] = lines[bad].Replace("\t3\t", "\thigh\t");
        File.WriteAllLines(tsv, lines);
        ShouldFail(Train(tsv), tsv, $":{bad + 1}", "Label", "'high' is not a number");

        string jsonl = folder.File("data.jsonl");
        File.WriteAllLines(jsonl, ["""{"GroupId": "a", "Query": "q", "Candidate": "x", "Label": 1}""", """{"GroupId": "a", "Query": "q", "Candidate": "y", "Label": true}"""]);
        ShouldFail(Train(jsonl), jsonl, ":2", "Label", "true/false");

        File.WriteAllLines(jsonl, ["""{"GroupId": "a", "Query": {"text": "q"}, "Candidate": "x", "Label": 1}"""]);
        ShouldFail(Train(jsonl), jsonl, ":1", "Query", "expected text");
    }

    [Fact]
    public void A_label_outside_0_to_4()
    {
        using var folder = new TempFolder();
        string csv = TestLists.Write(folder.File("data.csv"), TestLists.Rows(2));
        var lines = File.ReadAllLines(csv);
        lines[3] = lines[3].Replace(",3,", ",7,").Replace(",1,", ",7,").Replace(",0,", ",7,");
        File.WriteAllLines(csv, lines);
        ShouldFail(Train(csv), csv, ":4", "Label", "outside 0..4");
    }

    [Fact]
    public void An_empty_group()
    {
        using var folder = new TempFolder();
        var rows = TestLists.Rows(3);
        rows[5].GroupId = "";
        string parquet = TestLists.Write(folder.File("data.parquet"), rows);
        ShouldFail(Train(parquet), parquet, ":6", "GroupId", "is empty");
        string tsv = TestLists.Write(folder.File("data.tsv"), rows);
        ShouldFail(Train(tsv), tsv, ":7", "GroupId", "is empty");
    }

    [Fact]
    public void Duplicate_candidate_ids()
    {
        using var folder = new TempFolder();
        var rows = TestLists.Rows(3);
        rows[6].CandidateId = rows[5].CandidateId + " ";   // the same after trimming
        string jsonl = TestLists.Write(folder.File("data.jsonl"), rows);
        ShouldFail(Train(jsonl), jsonl, ":7", "CandidateId", $"duplicate candidate ID '{rows[5].CandidateId}' in group 'q1' (also on line 6)");
    }

    [Fact]
    public void A_group_split_in_two()
    {
        using var folder = new TempFolder();
        var rows = TestLists.Rows(3);
        (rows[1], rows[5]) = (rows[5], rows[1]);
        string tsv = TestLists.Write(folder.File("data.tsv"), rows);
        ShouldFail(Train(tsv), tsv, ":4", "GroupId", "group 'q0' appears again after other groups");
    }

    [Fact]
    public void Two_queries_in_one_group_and_a_short_line()
    {
        using var folder = new TempFolder();
        var rows = TestLists.Rows(2);
        rows[2].Query = "something else";
        string tsv = TestLists.Write(folder.File("data.tsv"), rows);
        ShouldFail(Train(tsv), tsv, ":4", "Query", "another query than on line 2");

        File.WriteAllLines(tsv, ["GroupId\tQuery\tCandidate\tLabel", "1\tq\tx\t1", "1\tq\ty"]);
        var result = Train(tsv);
        result.ExitCode.Should().Be(ExitCodes.BadData);
        result.Error.Should().Contain($"{tsv}:3: 3 tab-separated fields, but the header has 4 columns");
    }

    [Fact]
    public void Missing_files_and_unknown_formats()
    {
        using var folder = new TempFolder();
        Train(folder.File("none.tsv")).Error.Should().Contain("none.tsv: no such file");
        string xml = folder.File("data.xml");
        File.WriteAllText(xml, "<rows/>");
        var result = Train(xml);
        result.ExitCode.Should().Be(ExitCodes.BadData);
        result.Error.Should().Contain("cannot tell the format from the extension '.xml'");
        string broken = folder.File("broken.jsonl");
        File.WriteAllText(broken, "{\"GroupId\": 1,\n");
        Train(broken).Error.Should().Contain($"{broken}:1: not valid JSON");
    }

    [Fact]
    public void Csv_fields_in_quotes_may_hold_commas_quotes_and_line_breaks()
    {
        using var folder = new TempFolder();
        string csv = folder.File("data.csv");
        File.WriteAllText(csv, "GroupId,Query,Candidate,Label\n1,\"q, with comma\",\"line one\nline two\",1\n1,\"q, with comma\",\"say \"\"hi\"\"\",0\n2,q2,a,1\n2,q2,b,x\n");
        // The last row's label is on line 6 (the quoted line break makes record 1 two lines long).
        ShouldFail(Train(csv), csv, ":6", "Label", "'x' is not a number");
    }
}
