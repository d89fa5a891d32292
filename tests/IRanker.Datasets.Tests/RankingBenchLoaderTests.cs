using IRanker.Model;

namespace IRanker.Datasets.Tests;

public sealed class RankingBenchLoaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ranking-bench-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Theory]
    [InlineData("lists.jsonl")]
    [InlineData("lists.parquet")]
    public void Mini_benchmark_files_round_trip_with_ids_texts_and_graded_labels(string name)
    {
        var lists = RankingBenchMini.Generate(new RankingBenchMiniOptions { TrainQueriesPerTask = 4, TestQueriesPerTask = 1 }).Train;
        if (name.EndsWith(".jsonl")) RankingBenchWriter.WriteJsonLines(PathOf(name), lists);
        else RankingBenchWriter.WriteParquet(PathOf(name), lists);

        var loaded = RankingBenchLoader.Load(PathOf(name));

        loaded.Should().HaveCount(lists.Count);
        for (int i = 0; i < lists.Count; i++)
        {
            loaded[i].Context.Should().Be(lists[i].Context);
            loaded[i].Task.Should().Be(lists[i].Task);
            loaded[i].Scenario.Should().Be(lists[i].Scenario);
            loaded[i].QueryId.Should().Be($"{name}:{i + 1}");
            loaded[i].Candidates.Select(c => (c.Id, c.Label)).Should().Equal(lists[i].Candidates.Select(c => (c.Id, c.Label)));
            if (lists[i].Scenario != RankingScenario.Routing)
                loaded[i].Candidates.Select(c => c.Text).Should().Equal(lists[i].Candidates.Select(c => c.Text));
        }
    }

    [Fact]
    public void A_full_passage_prompt_gives_the_query_the_listed_ids_and_a_binary_label()
    {
        // The layout of Ranking-bench: problem is the whole prompt, candidates are texts, gt names the passage ID.
        var problem = "## Here is a query: what is a lunar eclipse and candidate passages:\npassage 0: The moon goes dark.\npassage 3: Bees make honey.\n\nPlease think step by step ...";
        File.WriteAllText(PathOf("passages.jsonl"),
            "{\"problem\": " + System.Text.Json.JsonSerializer.Serialize(problem) + ", \"candidates\": [\"The moon goes dark.\", \"Bees make honey.\"], \"gt\": \"passage 0\", \"task_name\": \"Passage-5\"}\n");

        var list = RankingBenchLoader.Load(PathOf("passages.jsonl")).Single();

        list.Context.Should().Be("what is a lunar eclipse");
        list.Scenario.Should().Be(RankingScenario.Passage);
        list.Candidates.Should().Equal(new RankingCandidate("passage 0", "The moon goes dark.", 1), new RankingCandidate("passage 3", "Bees make honey.", 0));
    }

    [Fact]
    public void A_recommendation_prompt_gives_the_history_one_title_per_line()
    {
        var problem = "I've watched the following movies in the past, in order:\n['0. Toy Story (1995)', \"1. Schindler's List (1993)\"]\n\nNow there are 20 candidate movies that I might watch next:\n['0. Heat (1995)', '1. Fargo (1996)']\n\nPlease select ...";
        var record = new Dictionary<string, object> { ["problem"] = problem, ["candidates"] = new[] { "Heat (1995)", "Fargo (1996)" }, ["gt"] = new[] { "Fargo (1996)" }, ["task_name"] = "Rec-Movie" };
        File.WriteAllText(PathOf("movies.json"), "[" + System.Text.Json.JsonSerializer.Serialize(record) + "]");

        var list = RankingBenchLoader.Load(PathOf("movies.json")).Single();

        list.Context.Should().Be("Toy Story (1995)\nSchindler's List (1993)");
        list.Task.Should().Be("Movie");
        list.Scenario.Should().Be(RankingScenario.Recommendation);
        list.Candidates.Select(c => c.Label).Should().Equal(0f, 1f);
    }

    [Fact]
    public async Task A_routing_prompt_in_parquet_gives_the_request_and_llm_descriptions()
    {
        var problem = "# The LLM names and their descriptions are:\n    # Big-70B: Each token price is 0.9. Deep reasoning.\n    # Small-7B: Each token price is 0.2. Quick answers.\n    ## Here is a query: What is 2+2? and LLM condidates: ['Big-70B', 'Small-7B']. Please think ...";
        var rows = new[] { new RealRecord { problem = problem, candidates = ["Big-70B", "Small-7B"], gt = "Small-7B", task_name = "Router-Cost First" } };
        await using (var stream = File.Create(PathOf("router.parquet")))
            await Parquet.Serialization.ParquetSerializer.SerializeAsync(rows, stream);

        var list = (await RankingBenchLoader.LoadAsync(PathOf("router.parquet"))).Single();

        list.Context.Should().Be("What is 2+2?");
        list.Task.Should().Be("Cost");
        list.Scenario.Should().Be(RankingScenario.Routing);
        list.Candidates.Should().Equal(
            new RankingCandidate("Big-70B", "Big-70B: Each token price is 0.9. Deep reasoning.", 0),
            new RankingCandidate("Small-7B", "Small-7B: Each token price is 0.2. Quick answers.", 1));
    }

    [Theory]
    [InlineData("{\"problem\": \"q\", \"candidates\": [\"a\", \"b\"], \"gt\": \"c\"}", "gt", "*'c' is not one of the 2 candidates*")]
    [InlineData("{\"problem\": \"q\", \"candidates\": \"a\", \"gt\": \"a\"}", "candidates", "*list of strings*")]
    [InlineData("{\"candidates\": [\"a\"], \"gt\": \"a\"}", "problem", "*missing*")]
    [InlineData("{\"problem\": \"q\", \"candidates\": [\"a\", 3], \"gt\": \"a\"}", "candidates", "*entry 1 is Number*")]
    [InlineData("{\"problem\": \"q\", \"candidates\": [\"a\"], \"gt\": \"a\", \"labels\": [1, 2]}", "labels", "*2 entries for 1 candidates*")]
    public void Malformed_json_lines_name_file_line_and_field(string badLine, string field, string message)
    {
        File.WriteAllText(PathOf("bad.jsonl"), "{\"problem\": \"q\", \"candidates\": [\"a\"], \"gt\": \"a\"}\n\n" + badLine + "\n");

        var act = () => RankingBenchLoader.Load(PathOf("bad.jsonl"));

        act.Should().Throw<RankingBenchFormatException>()
            .Where(e => e.Record == 3 && e.RecordKind == "line" && e.Field == field && e.FilePath == PathOf("bad.jsonl"))
            .WithMessage(message);
    }

    [Fact]
    public void Invalid_json_is_reported_with_its_line()
    {
        File.WriteAllText(PathOf("broken.jsonl"), "{\"problem\": \"q\", \"candidates\": [\"a\"], \"gt\": \"a\"}\n{\"problem\": \n");

        var act = () => RankingBenchLoader.Load(PathOf("broken.jsonl"));

        act.Should().Throw<RankingBenchFormatException>().WithMessage("*broken.jsonl, line 2: not valid JSON*");
    }

    [Fact]
    public async Task A_parquet_row_without_a_known_ground_truth_names_the_row()
    {
        var rows = new[]
        {
            new RealRecord { problem = "q", candidates = ["a", "b"], gt = "a", task_name = "Passage-5" },
            new RealRecord { problem = "q", candidates = ["a", "b"], gt = "z", task_name = "Passage-5" },
        };
        await using (var stream = File.Create(PathOf("bad.parquet")))
            await Parquet.Serialization.ParquetSerializer.SerializeAsync(rows, stream);

        var act = () => RankingBenchLoader.Load(PathOf("bad.parquet"));

        act.Should().Throw<RankingBenchFormatException>().WithMessage("*bad.parquet, row 2, field 'gt'*");
    }

    [Fact]
    public void Other_extensions_and_missing_files_are_refused()
    {
        File.WriteAllText(PathOf("data.csv"), "x");

        ((Action)(() => RankingBenchLoader.Load(PathOf("data.csv")))).Should().Throw<NotSupportedException>().WithMessage("*data.csv*");
        ((Action)(() => RankingBenchLoader.Load(PathOf("none.jsonl")))).Should().Throw<FileNotFoundException>();
    }

    /// <summary>A record with exactly Ranking-bench's four fields (names as in the data set).</summary>
    private sealed class RealRecord
    {
#pragma warning disable IDE1006 // the field names of the data set
        public string problem { get; set; } = "";
        public List<string> candidates { get; set; } = [];
        public string gt { get; set; } = "";
        public string task_name { get; set; } = "";
#pragma warning restore IDE1006
    }
}
