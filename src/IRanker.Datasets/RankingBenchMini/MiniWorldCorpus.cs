using System.Globalization;
using System.Text;
using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// A synthetic text corpus of the mini world of Ranking-bench-mini, for a next-token language-model stage before any
/// ranking training: encyclopedic paragraphs and glossaries of the version-2 passage topics (both words of a concept in
/// one document), catalog entries, genre notes and diaries of the recommendation domains, spec sheets, example requests
/// and price comparisons of the routing LLMs, and look-back documents (numbered notes, then sentences that refer back to
/// a note by its number and repeat its content).
/// </summary>
/// <remarks>
/// <para>Every document is built from the generators' own world knowledge (<see cref="PassageWordGroups"/>, the
/// recommendation domains and their catalog rules, the LLM table, the request writer), with random streams of its own:
/// no document is a ranking prompt (no candidate list, no label, no instruction to pick or order candidates), and none
/// is built from the benchmark's train or test lists. A recommendation catalog is drawn by the benchmark's catalog rules
/// from the corpus seed, so its titles are of the same form but not the benchmark's items. Routing requests come from
/// the benchmark's small pools, so an example request may equal a benchmark request string.</para>
/// <para>The stream is deterministic per <see cref="MiniWorldCorpusOptions.Seed"/> and scenarios, and endless.</para>
/// </remarks>
/// <example>
/// <code>
/// foreach (string text in MiniWorldCorpus.Documents(seed: 1).Take(3)) Console.WriteLine(text);
/// var fiveMegabytes = MiniWorldCorpus.Take(new MiniWorldCorpusOptions { Seed = 1 }, 5_000_000);
/// </code>
/// </example>
public static partial class MiniWorldCorpus
{
    private static readonly RankingScenario[] AllScenarios = [RankingScenario.Recommendation, RankingScenario.Routing, RankingScenario.Passage];

    private static readonly (MiniWorldDocumentKind Kind, RankingScenario? Scenario, int Weight)[] Kinds =
    [
        (MiniWorldDocumentKind.TopicParagraph, RankingScenario.Passage, 3),
        (MiniWorldDocumentKind.Glossary, RankingScenario.Passage, 2),
        (MiniWorldDocumentKind.TopicSentences, RankingScenario.Passage, 3),
        (MiniWorldDocumentKind.TopicContrast, RankingScenario.Passage, 1),
        (MiniWorldDocumentKind.CatalogEntry, RankingScenario.Recommendation, 2),
        (MiniWorldDocumentKind.GenreDescription, RankingScenario.Recommendation, 1),
        (MiniWorldDocumentKind.Diary, RankingScenario.Recommendation, 3),
        (MiniWorldDocumentKind.LlmSpecSheet, RankingScenario.Routing, 2),
        (MiniWorldDocumentKind.RequestExamples, RankingScenario.Routing, 2),
        (MiniWorldDocumentKind.TypeAndLlms, RankingScenario.Routing, 2),
        (MiniWorldDocumentKind.PriceComparison, RankingScenario.Routing, 1),
        (MiniWorldDocumentKind.LookBack, null, 3),
    ];

    /// <summary>The endless document stream of <paramref name="seed"/> over all three worlds, as texts.</summary>
    public static IEnumerable<string> Documents(int seed) => Documents(new MiniWorldCorpusOptions { Seed = seed });

    /// <summary>The endless document stream of <paramref name="options"/>, as texts.</summary>
    /// <exception cref="ArgumentException">The options include none of Recommendation, Routing and Passage.</exception>
    public static IEnumerable<string> Documents(MiniWorldCorpusOptions options) => Generate(options).Select(d => d.Text);

    /// <summary>The endless document stream of <paramref name="options"/>, each document with its kind.</summary>
    /// <exception cref="ArgumentException">The options include none of Recommendation, Routing and Passage.</exception>
    public static IEnumerable<MiniWorldDocument> Generate(MiniWorldCorpusOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scenarios = (options.Scenarios ?? AllScenarios).Where(AllScenarios.Contains).ToHashSet();
        if (scenarios.Count == 0)
            throw new ArgumentException("Include at least one of Recommendation, Routing and Passage.", nameof(options));
        return Stream(options.Seed, scenarios);
    }

    /// <summary>The first documents of the stream of <paramref name="options"/> until they hold at least <paramref name="characters"/> characters.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="characters"/> is negative.</exception>
    /// <exception cref="ArgumentException">The options include none of Recommendation, Routing and Passage.</exception>
    public static IReadOnlyList<string> Take(MiniWorldCorpusOptions options, long characters)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(characters);
        var texts = new List<string>();
        long total = 0;
        if (characters == 0) return texts;
        foreach (string text in Documents(options))
        {
            texts.Add(text);
            total += text.Length;
            if (total >= characters) break;
        }
        return texts;
    }

    private static IEnumerable<MiniWorldDocument> Stream(int seed, HashSet<RankingScenario> scenarios)
    {
        var kinds = Kinds.Where(k => k.Scenario is null || scenarios.Contains(k.Scenario.Value)).ToArray();
        int totalWeight = kinds.Sum(k => k.Weight);
        var world = new World(seed, scenarios);
        var random = new Random(seed);
        while (true)
        {
            int pick = random.Next(totalWeight);
            var kind = kinds.First(k => (pick -= k.Weight) < 0).Kind;
            yield return new MiniWorldDocument(kind, world.Write(kind, random));
        }
    }

    /// <summary>The world's knowledge and the writers of each kind of document.</summary>
    private sealed partial class World
    {
        private static readonly RecommendationDomain[] Domains = [RecommendationDomain.Movie, RecommendationDomain.Music, RecommendationDomain.Game];
        private static readonly QueryType[] Types = Enum.GetValues<QueryType>();

        private readonly List<RecommendationItem>[] _catalogs;
        private readonly RankingScenario[] _scenarios;

        public World(int seed, HashSet<RankingScenario> scenarios)
        {
            _scenarios = AllScenarios.Where(scenarios.Contains).ToArray();
            _catalogs = Domains.Select((d, i) => RecommendationGenerator.BuildCatalog(d, new Random(unchecked(seed * 1_000_003 + 7_919 * (i + 1) + 13)))).ToArray();
        }

        public string Write(MiniWorldDocumentKind kind, Random r) => kind switch
        {
            MiniWorldDocumentKind.TopicParagraph => TopicParagraph(r),
            MiniWorldDocumentKind.Glossary => Glossary(r),
            MiniWorldDocumentKind.TopicSentences => TopicSentences(r),
            MiniWorldDocumentKind.TopicContrast => TopicContrast(r),
            MiniWorldDocumentKind.CatalogEntry => CatalogEntry(r),
            MiniWorldDocumentKind.GenreDescription => GenreDescription(r),
            MiniWorldDocumentKind.Diary => Diary(r),
            MiniWorldDocumentKind.LlmSpecSheet => LlmSpecSheet(r),
            MiniWorldDocumentKind.RequestExamples => RequestExamples(r),
            MiniWorldDocumentKind.TypeAndLlms => TypeAndLlms(r),
            MiniWorldDocumentKind.PriceComparison => PriceComparison(r),
            MiniWorldDocumentKind.LookBack => LookBack(r),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };

        // ---------------------------------------------------------------- look-back

        private static readonly string[] LabelWords = ["Note", "Item", "Entry", "Card", "Record"];

        /// <summary>A note's text, and two sentences that say what it holds (with a label placeholder {0}).</summary>
        private (string Text, string Recall, string Find) Note(Random r)
        {
            switch (r.Pick(_scenarios))
            {
                case RankingScenario.Passage:
                {
                    int topic = r.Next(PassageWordGroups.TopicCount);
                    var words = r.Sample(PassageWordGroups.WordsOf(topic), r.Chance(0.5) ? 2 : 4);
                    string about = JoinAnd(words.Take(2).ToList());
                    return (PassageGenerator.Passage(r, words), r.Pick(new[] { "{0} was about " + about + ".", "{0} is on " + TopicName(topic) + ": it mentions " + about + "." }),
                        "The note that mentions " + about + " is {0}.");
                }
                case RankingScenario.Recommendation:
                {
                    int domain = r.Next(Domains.Length);
                    var item = r.Pick(_catalogs[domain]);
                    var (g1, g2) = GenresOf(domain, item);
                    return (item.Title, r.Pick(new[] { "{0} is " + ItemName(item) + ", " + Article(g1) + " " + g1 + " and " + g2 + " " + Nouns(domain).One + ".", "{0} names " + item.Title + "." }),
                        "The " + Nouns(domain).One + " " + ItemName(item) + " is {0}.");
                }
                default:
                {
                    if (r.Chance(0.5))
                    {
                        var llm = r.Pick(MiniLlm.All);
                        return (llm.CalibratedDescription(), "{0} describes " + llm.Name + ", which costs " + PricePer1K(llm) + " per 1K tokens.", llm.Name + " is described in {0}.");
                    }
                    var type = r.Pick(Types);
                    string request = RoutingQueries.Write(type, r);
                    return (request, "{0} is a " + TypeNoun(type) + ": " + request, "The " + TypeNoun(type) + " is {0}.");
                }
            }
        }

        private string LookBack(Random r)
        {
            int count = 3 + r.Next(4);
            string word = r.Pick(LabelWords);
            bool letters = r.Chance(0.25);
            string Label(int i) => letters ? $"{word} {(char)('A' + i)}" : $"{word} {i + 1}";
            var notes = Enumerable.Range(0, count).Select(_ => Note(r)).ToList();
            var text = new StringBuilder();
            for (int i = 0; i < count; i++) text.Append($"{Label(i)}: {notes[i].Text}\n");
            var referred = r.Sample(Enumerable.Range(0, count).ToArray(), 1 + r.Next(Math.Min(3, count)));
            foreach (int i in referred)
            {
                string sentence = r.Chance(0.7) ? notes[i].Recall : notes[i].Find;
                text.Append(Capitalise(string.Format(CultureInfo.InvariantCulture, sentence, Label(i)))).Append(' ');
            }
            return text.ToString().TrimEnd();
        }

        // ---------------------------------------------------------------- text helpers

        private static string Format(string template, params object[] args) =>
            Capitalise(string.Format(CultureInfo.InvariantCulture, template, args));

        private static string Capitalise(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

        private static string JoinAnd(IReadOnlyList<string> items) =>
            items.Count == 1 ? items[0] : string.Join(", ", items.Take(items.Count - 1)) + " and " + items[^1];
    }
}
