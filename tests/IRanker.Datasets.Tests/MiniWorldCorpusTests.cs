using System.Text.RegularExpressions;
using IRanker.Model;

namespace IRanker.Datasets.Tests;

public class MiniWorldCorpusTests
{
    private static readonly RankingScenario[] NonPassageWorlds = [RankingScenario.Recommendation, RankingScenario.Routing];

    private static List<MiniWorldDocument> Sample(int seed, int count, params RankingScenario[] scenarios) =>
        MiniWorldCorpus.Generate(new MiniWorldCorpusOptions { Seed = seed, Scenarios = scenarios.Length == 0 ? null : scenarios }).Take(count).ToList();

    private static HashSet<string> LowerWords(IEnumerable<string> texts) =>
        texts.SelectMany(t => Regex.Matches(t.ToLowerInvariant(), "[a-z]+").Select(m => m.Value)).ToHashSet();

    private static readonly string[] Genres =
        [.. new[] { RecommendationDomain.Movie, RecommendationDomain.Music, RecommendationDomain.Game }.SelectMany(d => d.Genres).Distinct()];

    [Fact]
    public void The_same_seed_gives_the_same_documents_and_another_seed_others()
    {
        var first = MiniWorldCorpus.Documents(5).Take(300).ToList();
        MiniWorldCorpus.Documents(5).Take(300).Should().Equal(first);
        MiniWorldCorpus.Documents(6).Take(300).Should().NotEqual(first);
    }

    [Fact]
    public void Every_kind_of_document_occurs()
    {
        Sample(1, 2000).Select(d => d.Kind).Distinct().Should().BeEquivalentTo(Enum.GetValues<MiniWorldDocumentKind>());
    }

    [Fact]
    public void Take_stops_at_the_first_document_that_reaches_the_size()
    {
        var texts = MiniWorldCorpus.Take(new MiniWorldCorpusOptions { Seed = 3 }, 50_000);
        texts.Sum(t => t.Length).Should().BeGreaterThanOrEqualTo(50_000);
        texts.Take(texts.Count - 1).Sum(t => t.Length).Should().BeLessThan(50_000);
        texts.Should().Equal(MiniWorldCorpus.Documents(3).Take(texts.Count));
        MiniWorldCorpus.Take(new MiniWorldCorpusOptions(), 0).Should().BeEmpty();
    }

    [Fact]
    public void No_scenario_at_all_is_refused()
    {
        var act = () => MiniWorldCorpus.Generate(new MiniWorldCorpusOptions { Scenarios = [RankingScenario.Generic] });
        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Excluding_routing_removes_the_llms_and_the_requests()
    {
        var texts = Sample(2, 3000, RankingScenario.Recommendation, RankingScenario.Passage).Select(d => d.Text).ToList();
        Sample(2, 3000).Should().Contain(d => MiniLlm.All.Any(m => d.Text.Contains(m.Name, StringComparison.Ordinal)), "the full corpus names the LLMs");
        foreach (string text in texts)
        {
            MiniLlm.All.Should().NotContain(m => text.Contains(m.Name, StringComparison.Ordinal), text);
            text.Should().NotContain("tokens").And.NotContain("LLM");
            text.Split('\n', '.', ';').Should().NotContain(s => RoutingQueries.TypeOf(s.Trim().Trim('\'', '"')) != null, text);
        }
    }

    [Fact]
    public void Excluding_recommendation_removes_the_genres_and_titles()
    {
        var full = Sample(2, 3000).Select(d => d.Text).ToList();
        full.Should().Contain(t => t.Contains("[Drama|", StringComparison.Ordinal) || t.Contains("|Drama]", StringComparison.Ordinal));
        var texts = Sample(2, 3000, RankingScenario.Routing, RankingScenario.Passage).Select(d => d.Text).ToList();
        var genre = new Regex(@"(?<![\w-])(" + string.Join('|', Genres.Select(Regex.Escape)) + @")(?![\w-])");
        foreach (string text in texts)
        {
            genre.IsMatch(text).Should().BeFalse(text);
            text.Should().NotContainAny("[", "]");
        }
    }

    [Fact]
    public void Excluding_passage_leaves_only_the_group_words_the_other_worlds_use_themselves()
    {
        var groupWords = Enumerable.Range(0, PassageWordGroups.TopicCount).SelectMany(PassageWordGroups.WordsOf).ToHashSet();
        var full = Sample(4, 6000);
        var passageKinds = new[] { MiniWorldDocumentKind.TopicParagraph, MiniWorldDocumentKind.Glossary, MiniWorldDocumentKind.TopicSentences, MiniWorldDocumentKind.TopicContrast };
        var sharedWithOtherWorlds = LowerWords(full.Where(d => !passageKinds.Contains(d.Kind) && d.Kind != MiniWorldDocumentKind.LookBack).Select(d => d.Text));
        sharedWithOtherWorlds.IntersectWith(groupWords);
        sharedWithOtherWorlds.Count.Should().BeLessThan(30, "titles and requests share only a few words (storm, moon, garden, java) with the topics");
        LowerWords(full.Select(d => d.Text)).Intersect(groupWords).Should().HaveCount(groupWords.Count, "the full corpus uses every group word");

        var without = LowerWords(Sample(4, 6000, NonPassageWorlds).Select(d => d.Text));
        without.Intersect(groupWords).Should().BeSubsetOf(sharedWithOtherWorlds);
        Sample(4, 6000, NonPassageWorlds).Should().NotContain(d => passageKinds.Contains(d.Kind));
    }

    [Fact]
    public void The_two_words_of_most_concepts_occur_in_one_document()
    {
        var docs = Sample(7, 3000, RankingScenario.Passage).Select(d => LowerWords([d.Text])).ToList();
        var concepts = PassageWordGroups.Topics.SelectMany(t => t).ToList();
        int together = concepts.Count(c => docs.Any(words => words.Contains(c[0]) && words.Contains(c[1])));
        together.Should().BeGreaterThan(concepts.Count * 9 / 10);
    }

    [Fact]
    public void Diaries_close_with_the_favourite_genres_and_an_item_that_has_both()
    {
        var diaries = Sample(8, 2000).Where(d => d.Kind == MiniWorldDocumentKind.Diary).Select(d => d.Text).ToList();
        diaries.Should().NotBeEmpty();
        foreach (string diary in diaries)
        {
            var lines = diary.Split('\n');
            string closing = lines[^1];
            var named = Genres.Where(g => Regex.IsMatch(closing, $@"(?<![\w-]){Regex.Escape(g)}(?![\w-])")).ToList();
            named.Should().HaveCountGreaterThanOrEqualTo(2, closing);
            var listed = Regex.Matches(string.Join('\n', lines[..^1]), @"\[([^\]|]+)\|([^\]]+)\]").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
            listed.Count.Should().BeInRange(8, 16);
            // About 60% of the list has a favourite genre, against 2/12 + 2/12 by chance.
            listed.Count(p => named.Contains(p.Item1) || named.Contains(p.Item2)).Should().BeGreaterThan(listed.Count / 3, diary);
        }
    }

    [Fact]
    public void No_document_carries_prompt_scaffolding()
    {
        string[] scaffolding =
        [
            "Candidates:", "Passages:", "Search query", "passage 1", "Context:", "least likely", "most likely", "A user sent this query",
            "routed to", "worst", "Answer", "label", "rank",
        ];
        foreach (var doc in Sample(9, 5000))
        {
            doc.Text.Should().NotContainAny(scaffolding);
            doc.Text.Split('\n').Should().NotContain(line => line.StartsWith("- ", StringComparison.Ordinal), "a line '- name' is a candidate line of a prompt");
        }
    }

    [Fact]
    public void Look_back_documents_refer_to_notes_they_hold()
    {
        var docs = Sample(10, 3000).Where(d => d.Kind == MiniWorldDocumentKind.LookBack).Select(d => d.Text).ToList();
        docs.Should().NotBeEmpty();
        foreach (string doc in docs)
        {
            var lines = doc.Split('\n');
            var labels = lines[..^1].Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToList();
            labels.Should().HaveCountGreaterThanOrEqualTo(3);
            string references = lines[^1];
            labels.Should().Contain(label => Regex.IsMatch(references, $@"\b{Regex.Escape(label)}\b"), doc);
        }
    }
}
