using System.Text.RegularExpressions;
using IRanker.Evaluation.Baselines;
using IRanker.Model;
using Xunit.Abstractions;

namespace IRanker.Datasets.Tests;

public class RankingBenchMiniV2Tests(ITestOutputHelper output)
{
    private static readonly RankingBenchMiniDataset V2 = RankingBenchMini.Generate(
        new RankingBenchMiniOptions { Version = RankingBenchMiniVersion.V2, Seed = 11, TrainQueriesPerTask = 100, TestQueriesPerTask = 300 });

    private static readonly Dictionary<string, double> PaperBm25 = new() { ["Passage-5"] = 53.63, ["Passage-7"] = 44.95, ["Passage-9"] = 39.69 };

    private static IReadOnlyList<RankingQuery> Lists(string task) => [.. V2[task].Train, .. V2[task].Test];

    private static List<string> Words(string text) => Regex.Matches(text.ToLowerInvariant(), "[a-z0-9]+").Select(m => m.Value).ToList();

    private static double Chance(int n) => Enumerable.Range(1, n).Sum(k => 1.0 / k) / n;

    [Fact]
    public void Version_1_stays_the_default()
    {
        new RankingBenchMiniOptions().Version.Should().Be(RankingBenchMiniVersion.V1);
        RankingBenchMini.Generate(new RankingBenchMiniOptions { TrainQueriesPerTask = 1, TestQueriesPerTask = 0 }).Version.Should().Be(RankingBenchMiniVersion.V1);
    }

    [Fact]
    public void Version_2_is_deterministic_per_seed_and_differs_from_version_1_in_every_task()
    {
        RankingBenchMiniOptions Options(int seed, RankingBenchMiniVersion version) =>
            new() { Version = version, Seed = seed, TrainQueriesPerTask = 20, TestQueriesPerTask = 10 };

        string first = Digest.Of(RankingBenchMini.Generate(Options(5, RankingBenchMiniVersion.V2)));
        Digest.Of(RankingBenchMini.Generate(Options(5, RankingBenchMiniVersion.V2))).Should().Be(first);
        Digest.Of(RankingBenchMini.Generate(Options(6, RankingBenchMiniVersion.V2))).Should().NotBe(first);

        var v1 = RankingBenchMini.Generate(Options(5, RankingBenchMiniVersion.V1));
        var v2 = RankingBenchMini.Generate(Options(5, RankingBenchMiniVersion.V2));
        v2.Version.Should().Be(RankingBenchMiniVersion.V2);
        foreach (var task in v1.Tasks)
        {
            string Text(RankingBenchMiniDataset d) => string.Join("\n", d[task.Name].Train.Concat(d[task.Name].Test)
                .Select(q => q.Context + "|" + string.Join("|", q.Candidates.Select(c => $"{c.Id}:{c.Text}:{c.Label}"))));
            Text(v2).Should().NotBe(Text(v1), task.Name);
        }
    }

    [Fact]
    public void Recommendation_negatives_carry_the_positives_genres_as_often_as_any_other_genre()
    {
        var v1 = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = 11, TrainQueriesPerTask = 100, TestQueriesPerTask = 300, Tasks = ["Movie", "Music", "Game"] });
        // How often a genre of the positive occurs among a list's negatives, against any other genre (ratio of the means).
        static double Ratio(RankingBenchMiniDataset data)
        {
            double positiveGenres = 0, otherGenres = 0;
            int lists = 0;
            foreach (var list in data.Tasks.Where(t => t.Scenario == RankingScenario.Recommendation).SelectMany(t => t.Train.Concat(t.Test)))
            {
                var positive = Mrr.Genres(list.Candidates.Single(c => c.Label == 2).Id);
                var counts = list.Candidates.Where(c => c.Label < 2).SelectMany(c => Mrr.Genres(c.Id)).GroupBy(g => g).ToDictionary(g => g.Key, g => g.Count());
                var genres = list.Context.Split('\n').Concat(list.Candidates.Select(c => c.Id)).SelectMany(Mrr.Genres).Distinct().ToList();
                positiveGenres += positive.Average(g => counts.GetValueOrDefault(g));
                otherGenres += genres.Except(positive).Average(g => counts.GetValueOrDefault(g));
                lists++;
            }
            return positiveGenres / otherGenres;
        }

        double version1 = Ratio(v1), version2 = Ratio(V2);
        output.WriteLine($"negatives with a genre of the positive, against another genre: version 1 {version1:F3}, version 2 {version2:F3}");

        version2.Should().BeInRange(0.94, 1.06);
        version1.Should().BeLessThan(0.93, "version 1's negatives never have both favourite genres, so the favourites are rarer among them");
    }

    [Fact]
    public void An_unknown_version_is_rejected_by_name()
    {
        var act = () => RankingBenchMini.Generate(new RankingBenchMiniOptions { Version = (RankingBenchMiniVersion)3 });

        act.Should().Throw<ArgumentException>().WithMessage("*Version 3*V1 or V2*");
    }

    [Theory]
    [InlineData("1", RankingBenchMiniVersion.V1)]
    [InlineData("2", RankingBenchMiniVersion.V2)]
    [InlineData("v2", RankingBenchMiniVersion.V2)]
    [InlineData(" V1 ", RankingBenchMiniVersion.V1)]
    public void A_version_is_read_from_its_number(string text, RankingBenchMiniVersion expected) =>
        RankingBenchMini.ParseVersion(text).Should().Be(expected);

    [Theory]
    [InlineData("3")]
    [InlineData("0")]
    [InlineData("two")]
    [InlineData("")]
    public void A_version_that_does_not_exist_is_rejected_with_the_choices(string text)
    {
        var act = () => RankingBenchMini.ParseVersion(text);

        act.Should().Throw<ArgumentException>().WithMessage($"*'{text}' is not a Ranking-bench-mini generator version; use 1 or 2*");
    }

    [Fact]
    public void The_word_groups_are_thirty_topics_of_five_synonym_pairs_with_no_word_twice()
    {
        var all = Enumerable.Range(0, PassageWordGroups.TopicCount).SelectMany(PassageWordGroups.WordsOf).ToList();

        PassageWordGroups.TopicCount.Should().Be(30);
        all.Should().HaveCount(30 * PassageWordGroups.ConceptsPerTopic * 2).And.OnlyHaveUniqueItems();
        all.Should().OnlyContain(w => Regex.IsMatch(w, "^[a-z]+$"));
        PassageWordGroups.TopicOf("magma").Should().Be(0);
        PassageWordGroups.TopicOf("passage").Should().BeNull();
        var act = () => PassageWordGroups.WordsOf(30);
        act.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*0 to 29*");
    }

    [Fact]
    public void The_group_words_of_a_text_are_its_words_of_the_groups_in_order_lower_cased()
    {
        PassageWordGroups.GroupWordsIn("How does Magma affect the crater? Lava, ash and coffee-roast.")
            .Should().Equal("magma", "crater", "lava", "ash", "coffee", "roast");
        PassageWordGroups.GroupWordsIn("passage 3 of the list").Should().BeEmpty();
    }

    [Theory]
    [InlineData("Passage-5", 5)]
    [InlineData("Passage-7", 7)]
    [InlineData("Passage-9", 9)]
    public void Every_passage_list_has_one_positive_one_or_two_partials_and_passages_of_four_or_six_topic_words(string task, int size)
    {
        foreach (var list in Lists(task))
        {
            list.Candidates.Should().HaveCount(size);
            list.Candidates.Select(c => c.Id).Should().Equal(Enumerable.Range(1, size).Select(i => $"passage {i}"));
            list.Candidates.Count(c => c.Label == 2).Should().Be(1);
            list.Candidates.Count(c => c.Label == 1).Should().BeInRange(1, size >= 7 ? 2 : 1);
            list.Candidates.Should().OnlyContain(c => c.Label == 0 || c.Label == 1 || c.Label == 2);
            // Template words are never group words, so each passage has exactly its 4 or 6 content words in the groups.
            list.Candidates.Select(c => Words(c.Text).Count(w => PassageWordGroups.TopicOf(w) is not null)).Should().OnlyContain(n => n == 4 || n == 6);
            Words(list.Context).Count(w => PassageWordGroups.TopicOf(w) is not null).Should().BeInRange(2, 3);
        }
    }

    [Theory]
    [InlineData("Passage-5")]
    [InlineData("Passage-7")]
    [InlineData("Passage-9")]
    public void Positives_name_the_query_concepts_often_in_other_words(string task)
    {
        int lists = 0, namesEveryConcept = 0, missesAQueryWord = 0;
        foreach (var list in Lists(task))
        {
            lists++;
            var queryWords = Words(list.Context).Where(w => PassageWordGroups.TopicOf(w) is not null).ToList();
            var positive = Words(list.Candidates.Single(c => c.Label == 2).Text).ToHashSet();
            if (queryWords.All(w => positive.Contains(w) || positive.Contains(Partner(w)))) namesEveryConcept++;
            if (!queryWords.All(positive.Contains)) missesAQueryWord++;
        }
        output.WriteLine($"{task}: positive names every query concept in {namesEveryConcept}/{lists}, misses a query word in {missesAQueryWord}/{lists}");

        namesEveryConcept.Should().BeGreaterThan(lists * 7 / 10, "only the noisy positives and some with an off-topic sentence drop a concept");
        missesAQueryWord.Should().BeGreaterThan(lists * 7 / 10, "the query's own word is used with probability 0.4 per concept");
    }

    [Theory]
    [InlineData("Passage-5")]
    [InlineData("Passage-7")]
    [InlineData("Passage-9")]
    public void Lexical_hard_negatives_carry_query_words_but_are_about_another_topic(string task)
    {
        int negatives = 0, hard = 0;
        foreach (var list in Lists(task))
        {
            var queryWords = Words(list.Context).Where(w => PassageWordGroups.TopicOf(w) is not null).ToHashSet();
            int topic = PassageWordGroups.TopicOf(queryWords.First())!.Value;
            foreach (var negative in list.Candidates.Where(c => c.Label == 0))
            {
                negatives++;
                var words = Words(negative.Text).Where(w => PassageWordGroups.TopicOf(w) is not null).ToList();
                if (!words.Any(queryWords.Contains)) continue;
                hard++;
                words.Count(w => PassageWordGroups.TopicOf(w) == topic).Should().BeLessThan(words.Count / 2 + 1, "a hard negative is mostly about another topic");
            }
        }
        output.WriteLine($"{task}: {hard} of {negatives} negatives share a query word");
        ((double)hard / negatives).Should().BeInRange(0.45, 0.70);
    }

    [Theory]
    [InlineData("Passage-5")]
    [InlineData("Passage-7")]
    [InlineData("Passage-9")]
    public void Bm25_sits_a_few_points_above_chance_near_the_papers_row_and_the_oracle_far_above(string task)
    {
        var lists = V2[task].Test;
        int size = lists[0].Candidates.Count;

        double bm25 = 100 * Mrr.Of(new Bm25Ranker().Rank(lists));
        double oracle = 100 * Mrr.Of(new RankingBenchMiniOracle().Rank(lists));
        double chance = 100 * Chance(size);
        output.WriteLine($"{task}: BM25 {bm25:F1} (paper {PaperBm25[task]}), chance {chance:F1}, oracle {oracle:F1}");

        bm25.Should().BeInRange(PaperBm25[task] - 8, PaperBm25[task] + 8);
        bm25.Should().BeGreaterThan(chance + 1);
        oracle.Should().BeGreaterThan(85);
    }

    [Theory]
    [InlineData("Passage-5")]
    [InlineData("Passage-7")]
    [InlineData("Passage-9")]
    public void No_surface_feature_but_the_lexical_ones_ranks_passages_beyond_chance(string task)
    {
        var lists = Lists(task);
        double chance = 100 * Chance(lists[0].Candidates.Count);
        foreach (var feature in ShortcutFeatures.For(V2[task].Train))
        {
            foreach (bool highFirst in new[] { true, false })
            {
                double mrr = 100 * Mrr.Of(feature.Rank(lists, highFirst));
                output.WriteLine($"{task}: {feature.Name} {(highFirst ? "high" : "low")} first {mrr:F1} (chance {chance:F1})");
                if (feature.Lexical) mrr.Should().BeLessThan(chance + 15, feature.Name);
                else mrr.Should().BeInRange(chance - 6, chance + 5, $"{feature.Name}, {(highFirst ? "high" : "low")} first");
            }
        }
    }

    [Theory]
    [InlineData("Performance")]
    [InlineData("Balance")]
    [InlineData("Cost")]
    public void Routing_texts_share_no_word_with_the_request_so_bm25_is_at_chance(string task)
    {
        var lists = Lists(task);
        var sharing = lists.SelectMany(q => q.Candidates.Where(c => Words(c.Text).Intersect(Words(q.Context)).Any()).Select(c => $"{q.Context} / {c.Text}")).ToList();
        var priced = lists.SelectMany(q => q.Candidates).Count(c => c.Text.StartsWith(c.Id + ": $0.", StringComparison.Ordinal) && c.Text.Contains(" per 1K tokens", StringComparison.Ordinal));

        sharing.Should().BeEmpty();
        priced.Should().Be(10 * lists.Count);
        double bm25 = Mrr.Of(new Bm25Ranker().Rank(lists)), oracle = Mrr.Of(new RankingBenchMiniOracle().Rank(lists));
        output.WriteLine($"{task}: BM25 {bm25:0.000}, oracle {oracle:0.000}, chance {Chance(10):0.000}");
        bm25.Should().BeApproximately(Chance(10), 0.03);
        oracle.Should().BeGreaterThan(0.8);
    }

    [Fact]
    public void The_oracle_rejects_lists_it_cannot_read()
    {
        var passage = new RankingQuery("what is a widget", [new RankingCandidate("passage 1", "The widget shapes the gear.", 1)], RankingScenario.Passage, "Passage-5", "q1");
        var routing = V2["Cost"].Test[0] with { Context = "Hello there." };
        var generic = passage with { Scenario = RankingScenario.Generic };

        var oracle = new RankingBenchMiniOracle();
        oracle.Invoking(o => o.Score(passage)).Should().Throw<ArgumentException>().WithMessage("*'q1'*no query word*version 2*");
        oracle.Invoking(o => o.Score(routing)).Should().Throw<ArgumentException>().WithMessage("*'Hello there.' is not a request*");
        oracle.Invoking(o => o.Score(generic)).Should().Throw<ArgumentException>().WithMessage("*scenario Generic*");
    }

    /// <summary>The other word of a word's concept.</summary>
    private static string Partner(string word)
    {
        var words = PassageWordGroups.WordsOf(PassageWordGroups.TopicOf(word)!.Value);
        int index = words.ToList().IndexOf(word);
        return words[index ^ 1];
    }
}
