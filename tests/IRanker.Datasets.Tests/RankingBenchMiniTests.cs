using System.Diagnostics;
using IRanker.Evaluation.Baselines;
using IRanker.Model;
using Xunit.Abstractions;

namespace IRanker.Datasets.Tests;

public class RankingBenchMiniTests(ITestOutputHelper output)
{
    private static readonly RankingBenchMiniDataset Default = RankingBenchMini.Generate();

    [Fact]
    public void The_same_seed_gives_identical_data_and_another_seed_differs()
    {
        var options = new RankingBenchMiniOptions { Seed = 5, TrainQueriesPerTask = 30, TestQueriesPerTask = 10 };
        string Fingerprint(RankingBenchMiniDataset d) => string.Join("\n", d.Train.Concat(d.Test)
            .Select(q => q.Context + "|" + string.Join("|", q.Candidates.Select(c => $"{c.Id}:{c.Text}:{c.Label}"))));

        var first = Fingerprint(RankingBenchMini.Generate(options));
        var again = Fingerprint(RankingBenchMini.Generate(options));
        var other = Fingerprint(RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 6, TrainQueriesPerTask = 30, TestQueriesPerTask = 10 }));

        again.Should().Be(first);
        other.Should().NotBe(first);
    }

    [Fact]
    public void Routing_splits_keep_every_request_type_when_the_smaller_types_run_short_of_new_requests()
    {
        // 600 lists need about 100 requests of each type; arithmetic has thousands, the others a few hundred. The test
        // split comes after the training split, so it is the first to show a drift towards arithmetic.
        var task = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 1, TrainQueriesPerTask = 500, TestQueriesPerTask = 100, Tasks = ["Balance"] })["Balance"];
        static bool IsArithmetic(string request) =>
            System.Text.RegularExpressions.Regex.IsMatch(request, @"^(What is \d+ times|Solve for x|A shop sells|What is the square root|Compute the sum)");

        double testShare = task.Test.Count(q => IsArithmetic(q.Context)) / (double)task.Test.Count;
        double trainShare = task.Train.Count(q => IsArithmetic(q.Context)) / (double)task.Train.Count;
        testShare.Should().BeInRange(0.05, 0.30, "one type in six");
        trainShare.Should().BeInRange(0.10, 0.24, "one type in six");
        task.Test.Select(q => q.Context).Should().OnlyHaveUniqueItems().And.NotIntersectWith(task.Train.Select(q => q.Context));
    }

    [Theory]
    [InlineData("Movie", RankingScenario.Recommendation, 20)]
    [InlineData("Music", RankingScenario.Recommendation, 20)]
    [InlineData("Game", RankingScenario.Recommendation, 20)]
    [InlineData("Performance", RankingScenario.Routing, 10)]
    [InlineData("Balance", RankingScenario.Routing, 10)]
    [InlineData("Cost", RankingScenario.Routing, 10)]
    [InlineData("Passage-5", RankingScenario.Passage, 5)]
    [InlineData("Passage-7", RankingScenario.Passage, 7)]
    [InlineData("Passage-9", RankingScenario.Passage, 9)]
    public void Every_task_has_the_papers_list_size_and_one_best_candidate(string name, RankingScenario scenario, int size)
    {
        var task = Default[name];

        task.Scenario.Should().Be(scenario);
        task.Train.Should().HaveCount(500);
        task.Test.Should().HaveCount(100);
        foreach (var list in task.Train.Concat(task.Test))
        {
            list.Task.Should().Be(name);
            list.Scenario.Should().Be(scenario);
            list.Candidates.Should().HaveCount(size);
            list.HasLabels.Should().BeTrue();
            var labels = list.Candidates.Select(c => c.Label!.Value).ToList();
            labels.Should().OnlyContain(l => l >= 0 && l <= 4 && l == MathF.Floor(l));
            labels.Count(l => l == labels.Max()).Should().Be(1);
            list.Candidates.Select(c => c.Id).Should().OnlyHaveUniqueItems();
        }
    }

    [Fact]
    public void Recommendation_contexts_are_twenty_titles_with_year_or_platform_and_genres()
    {
        var list = Default["Movie"].Train[0];
        var history = list.Context.Split('\n');

        history.Should().HaveCount(20);
        history.Should().OnlyContain(t => System.Text.RegularExpressions.Regex.IsMatch(t, @"^[A-Z][a-z]+ [A-Z][a-z]+ \(\d{4}\) \[[A-Za-z-]+\|[A-Za-z-]+\]$"));
        list.Candidates.Should().OnlyContain(c => c.Id == c.Text);
        list.Candidates.Select(c => c.Id).Should().NotIntersectWith(history);
        Default["Game"].Train[0].Candidates[0].Id.Should().MatchRegex(@"^.+ \(.+\) \[.+\]$");
        Default["Music"].Train[0].Candidates[0].Id.Should().MatchRegex(@"^\w+ \w+ - \w+ \w+ \[.+\]$");
    }

    [Fact]
    public void Routing_lists_name_the_llms_and_describe_price_and_strengths()
    {
        var list = Default["Balance"].Test[3];

        list.Candidates.Should().OnlyContain(c => c.Text.StartsWith(c.Id + ": $") && c.Text.Contains("per 1M tokens"));
        Default["Cost"].Train.Concat(Default["Cost"].Test).Select(q => q.Candidates.MaxBy(c => c.Label)!.Id).Distinct()
            .Should().HaveCountGreaterThan(2, "the best LLM must depend on the request");
    }

    [Fact]
    public void Passage_ids_are_one_based_in_list_order()
    {
        foreach (var list in Default["Passage-9"].Train.Take(20))
            list.Candidates.Select(c => c.Id).Should().Equal(Enumerable.Range(1, 9).Select(i => $"passage {i}"));
    }

    [Fact]
    public void Train_and_test_contexts_are_disjoint()
    {
        foreach (var task in Default.Tasks)
        {
            var train = task.Train.Select(q => q.Context).ToHashSet();
            train.Should().HaveCount(task.Train.Count);
            task.Test.Should().NotContain(q => train.Contains(q.Context), task.Name);
        }
    }

    [Fact]
    public void The_vocabulary_stays_compact()
    {
        var words = Default.Train.Concat(Default.Test)
            .SelectMany(q => q.Candidates.SelectMany(c => new[] { c.Id, c.Text }).Append(q.Context))
            .SelectMany(t => System.Text.RegularExpressions.Regex.Matches(t.ToLowerInvariant(), @"[a-z]+").Select(m => m.Value))
            .Distinct().Count();

        output.WriteLine($"distinct words: {words}");
        words.Should().BeInRange(300, 2000);
    }

    [Theory]
    [InlineData("Passage-5", 0.20)]
    [InlineData("Passage-7", 0.20)]
    [InlineData("Passage-9", 0.20)]
    public void Bm25_beats_random_by_a_wide_margin_on_passages(string name, double margin)
    {
        var test = Default[name].Test.Concat(Default[name].Train).ToList();

        double bm25 = Mrr.Of(new Bm25Ranker().Rank(test));
        double random = Mrr.Of(new RandomRanker(seed: 1).Rank(test));

        output.WriteLine($"{name}: BM25 MRR {bm25:0.000}, random {random:0.000}");
        bm25.Should().BeGreaterThan(random + margin);
    }

    [Theory]
    [InlineData("Movie")]
    [InlineData("Music")]
    [InlineData("Game")]
    public void Genre_overlap_beats_random_by_a_wide_margin_on_recommendation(string name)
    {
        var lists = Default[name].Test.Concat(Default[name].Train).ToList();

        double genre = Mrr.Of(Mrr.GenreOverlap(lists));
        double bm25 = Mrr.Of(new Bm25Ranker().Rank(lists));
        double random = Mrr.Of(new RandomRanker(seed: 1).Rank(lists));

        output.WriteLine($"{name}: genre overlap MRR {genre:0.000}, BM25 {bm25:0.000}, random {random:0.000}");
        genre.Should().BeGreaterThan(random + 0.25);
    }

    [Theory]
    [InlineData("Movie")]
    [InlineData("Music")]
    [InlineData("Game")]
    public void The_shape_of_a_title_says_nothing_about_its_label(string name)
    {
        var lists = Default[name].Test.Concat(Default[name].Train).ToList();

        // With single-genre items in the catalog (never a positive), ranking two-genre titles first beat random.
        lists.SelectMany(q => q.Candidates).Select(c => Mrr.Genres(c.Id).Length).Should().AllBeEquivalentTo(2);
        lists.SelectMany(q => q.Context.Split('\n')).Select(t => Mrr.Genres(t).Length).Should().AllBeEquivalentTo(2);

        // Nor does the length of the title: a ranker that prefers longer titles is at chance.
        double ByLength(int sign) => Mrr.Of(lists.Select(q => new RankingResult(q,
            Enumerable.Range(0, q.Candidates.Count).OrderBy(i => sign * q.Candidates[i].Id.Length).ThenBy(i => i).ToList(), [])).ToList());
        double longestFirst = ByLength(-1), shortestFirst = ByLength(1);
        double random = Mrr.Of(new RandomRanker(seed: 1).Rank(lists));
        output.WriteLine($"{name}: longest title first MRR {longestFirst:0.000}, shortest first {shortestFirst:0.000}, random {random:0.000}");
        longestFirst.Should().BeApproximately(random, 0.04);
        shortestFirst.Should().BeApproximately(random, 0.04);
    }

    [Theory]
    [InlineData("Performance")]
    [InlineData("Balance")]
    [InlineData("Cost")]
    public void The_best_llm_follows_the_wording_of_the_request(string name)
    {
        var lists = Default[name].Test.Concat(Default[name].Train).ToList();
        // A crude rule learnt from the training lists: the most frequent best LLM per first word of the request (10 LLMs: chance is 0.1).
        var bestByOpening = Default[name].Train.GroupBy(q => q.Context.Split(' ')[0])
            .ToDictionary(g => g.Key, g => g.GroupBy(q => q.Candidates.MaxBy(c => c.Label)!.Id).MaxBy(b => b.Count())!.Key);
        double opening = Default[name].Test.Average(q =>
            bestByOpening.TryGetValue(q.Context.Split(' ')[0], out var id) && q.Candidates.MaxBy(c => c.Label)!.Id == id ? 1.0 : 0.0);
        double bm25 = Mrr.Of(new Bm25Ranker().Rank(lists));
        double random = Mrr.Of(new RandomRanker(seed: 1).Rank(lists));

        output.WriteLine($"{name}: top-1 by request opening {opening:0.000}, BM25 MRR {bm25:0.000}, random {random:0.000}");
        opening.Should().BeGreaterThan(0.5, "the request's wording determines the best LLM most of the time");
    }

    [Fact]
    public void Unknown_tasks_and_negative_sizes_are_rejected()
    {
        var unknown = () => RankingBenchMini.Generate(new RankingBenchMiniOptions { Tasks = ["Movies"] });
        var negative = () => RankingBenchMini.Generate(new RankingBenchMiniOptions { TestQueriesPerTask = -1 });

        unknown.Should().Throw<ArgumentException>().WithMessage("*Movies*Movie, Music*");
        negative.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void More_routing_lists_than_the_requests_allow_are_rejected_before_generating()
    {
        int max = RankingBenchMini.MaxRoutingListsPerTask;
        var tooMany = () => RankingBenchMini.Generate(new RankingBenchMiniOptions { TrainQueriesPerTask = max, TestQueriesPerTask = 1, Tasks = ["Movie", "Cost"] });

        tooMany.Should().Throw<ArgumentException>()
            .WithMessage($"*TrainQueriesPerTask {max} + TestQueriesPerTask 1*{max + 1} lists*routing tasks (Cost)*at most {max}*");
        RankingBenchMini.Generate(new RankingBenchMiniOptions { TrainQueriesPerTask = max, TestQueriesPerTask = 1, Tasks = ["Passage-5"] })
            .Tasks[0].Train.Should().HaveCount(max, "the limit is the routing tasks' only");
    }

    [Theory]
    [InlineData("Performance")]
    [InlineData("Balance")]
    [InlineData("Cost")]
    public void Every_routing_task_reaches_its_limit_on_many_seeds(string task)
    {
        int max = RankingBenchMini.MaxRoutingListsPerTask;
        for (int seed = 1; seed <= 10; seed++)
        {
            var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = seed, TrainQueriesPerTask = max - 100, TestQueriesPerTask = 100, Tasks = [task] });
            data.Tasks[0].Train.Concat(data.Tasks[0].Test).Select(q => q.Context).Should().OnlyHaveUniqueItems().And.HaveCount(max);
        }
    }

    [Fact]
    public void A_subset_of_tasks_can_be_generated()
    {
        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Tasks = ["Passage-5", "Cost"], TrainQueriesPerTask = 3, TestQueriesPerTask = 2 });

        data.Tasks.Select(t => t.Name).Should().Equal("Cost", "Passage-5");
        data.Train.Should().HaveCount(6);
        data.Test.Should().HaveCount(4);
    }

    [Fact]
    public void Long_passage_lists_are_generated_only_when_named_with_one_positive_among_n_passages()
    {
        Default.Tasks.Select(t => t.Name).Should().Equal(RankingBenchMini.TaskNames);

        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 3, TrainQueriesPerTask = 2, TestQueriesPerTask = 2, Tasks = RankingBenchMini.LongPassageTaskNames });

        data.Tasks.Select(t => t.Name).Should().Equal("Passage-20", "Passage-100", "Passage-1000");
        foreach (var (task, n) in data.Tasks.Zip(new[] { 20, 100, 1000 }))
        {
            task.Scenario.Should().Be(RankingScenario.Passage);
            foreach (var list in task.Train.Concat(task.Test))
            {
                list.Candidates.Should().HaveCount(n);
                list.Candidates.Select(c => c.Id).Should().Equal(Enumerable.Range(1, n).Select(i => $"passage {i}"));
                list.Candidates.Count(c => c.Label == 2).Should().Be(1);
                list.Candidates.Count(c => c.Label == 1).Should().BeInRange(1, 2);
            }
        }
        var again = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 3, TrainQueriesPerTask = 2, TestQueriesPerTask = 2, Tasks = ["Passage-100"] });
        again["Passage-100"].Test[1].Should().BeEquivalentTo(data["Passage-100"].Test[1], "a task's data does not depend on the other tasks asked for");
    }
}
