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
public static class MiniWorldCorpus
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
    private sealed class World
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

        // ---------------------------------------------------------------- passage world

        private static string[][] Concepts(int topic) => PassageWordGroups.Topics[topic];

        /// <summary>A name for a topic: the first word of its version-1 topic (volcano, coffee, puppy, ...).</summary>
        private static string TopicName(int topic) => PassageTopics.All[topic][0];

        /// <summary>Version-1 words of a topic that are no word of any version-2 group (volcano, basalt, ...).</summary>
        private static string[] ExtraWords(int topic) =>
            PassageTopics.All[topic].Where(w => PassageWordGroups.TopicOf(w) is null).ToArray();

        private static readonly string[] ParagraphOpenings =
        [
            "This is a short note on {0}.", "Texts about {0} share a small vocabulary.", "Here is what writing on {0} usually covers.",
            "Many everyday articles deal with {0}.", "A few words on {0}.", "People who read about {0} meet the same ideas again and again.",
        ];

        private static readonly string[] BothWords =
        [
            "{0}, also called {1}, is a key idea of {2}.", "Some writers say {0} and others say {1}; both mean the same thing.",
            "{0} and {1} name one and the same thing.", "In texts on {2}, {0} is sometimes written as {1}.",
            "Whether it is called {0} or {1}, it matters in {2}.", "A text may say {1} where another says {0}.",
            "{0} (or {1}) is a word you will meet in any article on {2}.",
        ];

        private static readonly string[] TwoConcepts =
        [
            "{0} is often mentioned together with {1}.", "Articles on {2} explain {0} and {1}.", "Much of what is said about {0} also touches {1}.",
            "There is a close link between {0} and {1}.", "Anyone curious about {0} soon hears of {1}.",
        ];

        private string TopicParagraph(Random r)
        {
            int topic = r.Next(PassageWordGroups.TopicCount);
            var concepts = Concepts(topic);
            string name = TopicName(topic);
            var chosen = r.Sample(Enumerable.Range(0, PassageWordGroups.ConceptsPerTopic).ToArray(), 3 + r.Next(3));
            var sentences = new List<string> { Format(r.Pick(ParagraphOpenings), name) };
            foreach (int c in chosen)
            {
                int form = r.Next(2);
                if (r.Chance(0.7))
                    sentences.Add(Format(r.Pick(BothWords), concepts[c][form], concepts[c][1 - form], name));
                else
                {
                    int other = (c + 1 + r.Next(PassageWordGroups.ConceptsPerTopic - 1)) % PassageWordGroups.ConceptsPerTopic;
                    sentences.Add(Format(r.Pick(TwoConcepts), concepts[c][form], concepts[other][r.Next(2)], name));
                }
            }
            var extra = ExtraWords(topic);
            if (extra.Length >= 2 && r.Chance(0.5))
            {
                var two = r.Sample(extra, 2);
                sentences.Add(Format(r.Pick(["Related words include {0} and {1}.", "Other words of {2} are {0} and {1}."]), two[0], two[1], name));
            }
            return string.Join(' ', sentences);
        }

        private static readonly string[] GlossaryHeadings = ["Glossary of {0}:", "Words of {0}, two for each idea:", "{0}: terms and their synonyms.", "Vocabulary of {0}"];

        private static readonly string[] GlossaryLines =
        [
            "{0}, also called {1}.", "{0} (also {1}): a term of {2}.", "{0}: another word for {1}.", "{0} means the same as {1}.",
            "{0} or {1}: the same idea in {2}.", "{0} = {1}",
        ];

        private string Glossary(Random r)
        {
            int topic = r.Next(PassageWordGroups.TopicCount);
            var concepts = Concepts(topic);
            string name = TopicName(topic);
            var lines = new List<string> { Format(r.Pick(GlossaryHeadings), name) };
            foreach (int c in r.Sample(Enumerable.Range(0, PassageWordGroups.ConceptsPerTopic).ToArray(), 3 + r.Next(3)))
            {
                int form = r.Next(2);
                lines.Add(Format(r.Pick(GlossaryLines), concepts[c][form], concepts[c][1 - form], name));
            }
            return string.Join('\n', lines);
        }

        private string TopicSentences(Random r)
        {
            int topic = r.Next(PassageWordGroups.TopicCount);
            var words = r.Sample(PassageWordGroups.WordsOf(topic), 2 * (2 + r.Next(4)));
            string text = PassageGenerator.Passage(r, words);
            return r.Chance(0.3) ? $"{Capitalise(TopicName(topic))}. {text}" : text;
        }

        private string TopicContrast(Random r)
        {
            int topic = r.Next(PassageWordGroups.TopicCount);
            int other = (topic + 1 + r.Next(PassageWordGroups.TopicCount - 1)) % PassageWordGroups.TopicCount;
            var a = r.Sample(PassageWordGroups.WordsOf(topic), 3);
            var b = r.Sample(PassageWordGroups.WordsOf(other), 3);
            string n = TopicName(topic), m = TopicName(other);
            var text = new StringBuilder();
            text.Append(r.Pick(new[] { $"{Capitalise(n)} and {m} are different subjects.", $"Do not confuse {n} with {m}.", $"{Capitalise(n)} is one subject and {m} another." }));
            text.Append($" Writing about {n} uses words such as {JoinAnd(a)}, while writing about {m} uses words such as {JoinAnd(b)}.");
            text.Append(r.Pick(new[] { $" {Capitalise(a[0])} belongs to {n}, not to {m}.", $" A text that mentions {a[1]} and {a[2]} is about {n}.", $" The word {b[0]} points to {m}." }));
            int c = r.Next(PassageWordGroups.ConceptsPerTopic);
            text.Append($" In writing about {m}, {Concepts(other)[c][0]} and {Concepts(other)[c][1]} mean the same thing.");
            return text.ToString();
        }

        // ---------------------------------------------------------------- recommendation world

        private static (string One, string Many, string Verb) Nouns(int domain) => domain switch
        {
            0 => ("film", "films", "watched"),
            1 => ("album", "albums", "listened to"),
            _ => ("game", "games", "played"),
        };

        private static string ItemName(RecommendationItem item) => item.Title[..item.Title.LastIndexOf(" [", StringComparison.Ordinal)];

        private static (string First, string Second) GenresOf(int domain, RecommendationItem item) =>
            (Domains[domain].Genres[item.Genres[0]], Domains[domain].Genres[item.Genres[1]]);

        private static string Article(string word) => "AEIOUaeiou".Contains(word[0]) || word == "RPG" ? "an" : "a";

        private string CatalogLine(Random r, int domain, RecommendationItem item)
        {
            var (g1, g2) = GenresOf(domain, item);
            string name = ItemName(item), noun = Nouns(domain).One;
            return r.Next(5) switch
            {
                0 => $"{item.Title}. {name} is {Article(g1)} {g1} and {g2} {noun}.",
                1 => $"{name} is {Article(noun)} {noun} listed under {g1} and {g2}: {item.Title}.",
                2 => $"Catalog entry: {item.Title}. Genres: {g1}, {g2}.",
                3 => $"{name} mixes {g1} with {g2}. In the catalog it appears as {item.Title}.",
                _ => $"{item.Title} is {Article(g1)} {g1} {noun} with a touch of {g2}.",
            };
        }

        private string CatalogEntry(Random r)
        {
            int domain = r.Next(Domains.Length);
            int count = 1 + r.Next(4);
            var items = r.Sample(_catalogs[domain], count);
            return string.Join(count > 2 && r.Chance(0.5) ? '\n' : ' ', items.Select(i => CatalogLine(r, domain, i)));
        }

        private string GenreDescription(Random r)
        {
            int domain = r.Next(Domains.Length);
            var genres = Domains[domain].Genres;
            int genre = r.Next(genres.Count);
            string g = genres[genre];
            var (_, many, _) = Nouns(domain);
            var items = r.Sample(_catalogs[domain].Where(i => i.Has(genre)).ToList(), 3 + r.Next(4));
            var text = new StringBuilder(r.Pick(new[]
            {
                $"{g} is one of the {genres.Count} genres of {many}.", $"Among {many}, {g} is a genre of its own.",
                $"{g} {many} are easy to find in the catalog.", $"A short guide to {g} {many}.",
            }));
            text.Append($" {g} {many} include {JoinAnd(items.Select(i => i.Title).ToList())}.");
            foreach (var item in items.Take(1 + r.Next(items.Count)))
            {
                var (g1, g2) = GenresOf(domain, item);
                string second = g1 == g ? g2 : g1;
                text.Append(r.Pick(new[] { $" {ItemName(item)} is {g} and also {second}.", $" {ItemName(item)} pairs {g} with {second}." }));
            }
            return text.ToString();
        }

        private string Diary(Random r)
        {
            int domain = r.Next(Domains.Length);
            var catalog = _catalogs[domain];
            var genres = Domains[domain].Genres;
            int first = r.Next(genres.Count);
            int second = (first + 1 + r.Next(genres.Count - 1)) % genres.Count;
            var favourites = catalog.Where(i => i.Has(first) || i.Has(second)).ToList();
            var used = new HashSet<RecommendationItem>();
            var history = new List<RecommendationItem>();
            int length = 8 + r.Next(9);
            while (history.Count < length)
            {
                var item = r.Chance(RecommendationGenerator.FavouriteShare) ? r.Pick(favourites) : r.Pick(catalog);
                if (used.Add(item)) history.Add(item);
            }
            var both = favourites.Where(i => i.Has(first) && i.Has(second) && !used.Contains(i)).ToList();
            var extra = r.Pick(both);

            string person = r.Pick(RecommendationDomain.FirstNames);
            string full = $"{person} {r.Pick(RecommendationDomain.LastNames)}";
            var (one, many, verb) = Nouns(domain);
            string f1 = genres[first], f2 = genres[second];
            var titles = history.Select(i => i.Title).ToList();
            string list = r.Next(3) switch
            {
                0 => $"{full}'s {one} diary:\n" + string.Join('\n', titles.Select((t, i) => $"{i + 1}. {t}")),
                1 => $"{full} {verb} these {many} this year: " + string.Join("; ", titles) + ".",
                _ => $"{many[..1].ToUpperInvariant()}{many[1..]} {full} enjoyed:\n" + string.Join('\n', titles.Select(t => $"* {t}")),
            };
            string closing = r.Next(4) switch
            {
                0 => $"{person} mostly likes {f1} and {f2}. {person} also enjoyed {extra.Title}, which is both {f1} and {f2}.",
                1 => $"Looking back, {person}'s favourite genres are {f1} and {f2}; another {one} {person} liked is {extra.Title}.",
                2 => $"{person} likes {f1} and {f2} best, so {extra.Title} was a hit too.",
                _ => $"Most of these are {f1} or {f2}, the two genres {person} enjoys most. {person} also loved {ItemName(extra)}, {Article(f1)} {f1} and {f2} {one}.",
            };
            return list + "\n" + closing;
        }

        // ---------------------------------------------------------------- routing world

        private static string TypeNoun(QueryType type) => type switch
        {
            QueryType.Math => "math question",
            QueryType.Coding => "coding task",
            QueryType.Factual => "factual question",
            QueryType.Creative => "creative writing request",
            QueryType.Summary => "summary request",
            QueryType.Translation => "translation request",
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };

        private static string Rating(double quality) => quality switch
        {
            >= 0.9 => "excellent",
            >= 0.8 => "very good",
            >= 0.65 => "good",
            >= 0.5 => "fair",
            _ => "poor",
        };

        private static string PricePer1K(MiniLlm llm) => string.Create(CultureInfo.InvariantCulture, $"${llm.PricePerMillion / 1000:0.#####}");

        private static string PricePer1M(MiniLlm llm) => string.Create(CultureInfo.InvariantCulture, $"${llm.PricePerMillion:0.00}");

        private string LlmSpecSheet(Random r)
        {
            var llm = r.Pick(MiniLlm.All);
            var text = new StringBuilder(r.Chance(0.7) ? llm.CalibratedDescription() : llm.Description());
            text.Append(r.Pick(new[]
            {
                $"\n{llm.Name} costs {PricePer1K(llm)} per 1K tokens, that is {PricePer1M(llm)} per 1M tokens.",
                $"\nPrice of {llm.Name}: {PricePer1K(llm)} per 1K tokens.",
            }));
            var types = r.Chance(0.5) ? Types : r.Sample(Types, Types.Length).ToArray();
            if (r.Chance(0.5))
                foreach (var t in types) text.Append($"\n{MiniLlm.KindName(t)}: {Rating(llm.Quality[(int)t])}");
            else
                foreach (var t in types) text.Append($" On {MiniLlm.KindName(t)} it is {Rating(llm.Quality[(int)t])}.");
            var best = Types.MaxBy(t => llm.Quality[(int)t]);
            var worst = Types.MinBy(t => llm.Quality[(int)t]);
            text.Append($"\n{llm.Name} does best at {MiniLlm.KindName(best)} and least well at {MiniLlm.KindName(worst)}.");
            return text.ToString();
        }

        private string RequestExamples(Random r)
        {
            int count = 2 + r.Next(5);
            var lines = new List<string>();
            if (r.Chance(0.3))
            {
                var type = r.Pick(Types);
                lines.Add($"Some examples of a {TypeNoun(type)}:");
                for (int i = 0; i < count; i++) lines.Add(RoutingQueries.Write(type, r));
                return string.Join('\n', lines);
            }
            if (r.Chance(0.5)) lines.Add("Requests and their types:");
            for (int i = 0; i < count; i++)
            {
                var type = r.Pick(Types);
                string request = RoutingQueries.Write(type, r);
                lines.Add(r.Next(4) switch
                {
                    0 => $"'{request}' is a {TypeNoun(type)}.",
                    1 => $"The request \"{request}\" is a {TypeNoun(type)}.",
                    2 => $"Example of a {TypeNoun(type)}: {request}",
                    _ => $"{request} (type: {MiniLlm.KindName(type)})",
                });
            }
            return string.Join('\n', lines);
        }

        private string TypeAndLlms(Random r)
        {
            var type = r.Pick(Types);
            string area = MiniLlm.KindName(type);
            var byQuality = MiniLlm.All.OrderByDescending(m => m.Quality[(int)type]).ToList();
            var strong = byQuality.Where(m => m.Quality[(int)type] >= 0.85).Select(m => m.Name).ToList();
            var weak = byQuality.Where(m => m.Quality[(int)type] < 0.5).Select(m => m.Name).ToList();
            var text = new StringBuilder(r.Pick(new[]
            {
                $"A request such as '{RoutingQueries.Write(type, r)}' is a {TypeNoun(type)}.",
                $"{Capitalise(TypeNoun(type))}s are one of six kinds of request.",
                $"About {area}.",
            }));
            text.Append(strong.Count > 0 ? $" The LLMs strong at {area} are {JoinAnd(strong)}." : $" No LLM is strong at {area}.");
            text.Append(weak.Count > 0 ? $" {JoinAnd(weak)} {(weak.Count == 1 ? "is" : "are")} weak at it." : $" No LLM is weak at {area}.");
            text.Append($" {byQuality[0].Name} is the strongest at {area} and {byQuality[^1].Name} the weakest.");
            var cheap = MiniLlm.All.Where(m => m.PricePerMillion <= 0.3).OrderByDescending(m => m.Quality[(int)type]).First();
            text.Append($" Of the LLMs that cost at most $0.0003 per 1K tokens, {cheap.Name} is the strongest at {area}.");
            if (r.Chance(0.5))
            {
                var llm = r.Pick(MiniLlm.All);
                text.Append($" {llm.Name} is {Rating(llm.Quality[(int)type])} at {area}.");
            }
            return text.ToString();
        }

        private string PriceComparison(Random r)
        {
            var sentences = new List<string>();
            for (int i = 1 + r.Next(4); i > 0; i--)
            {
                var pair = r.Sample(MiniLlm.All, 2);
                var (x, y) = (pair[0], pair[1]);
                if (x.PricePerMillion == y.PricePerMillion)
                    sentences.Add($"{x.Name} and {y.Name} cost the same, {PricePer1K(x)} per 1K tokens.");
                else
                {
                    var (cheap, dear) = x.PricePerMillion < y.PricePerMillion ? (x, y) : (y, x);
                    sentences.Add(r.Next(3) switch
                    {
                        0 => $"{cheap.Name} costs less than {dear.Name}.",
                        1 => $"{dear.Name} is more expensive than {cheap.Name}.",
                        _ => $"{cheap.Name} ({PricePer1K(cheap)} per 1K tokens) is cheaper than {dear.Name} ({PricePer1K(dear)} per 1K tokens).",
                    });
                }
            }
            if (r.Chance(0.3))
            {
                var sorted = MiniLlm.All.OrderBy(m => m.PricePerMillion).ToList();
                sentences.Add($"{sorted[0].Name} is the cheapest of the ten LLMs and {sorted[^1].Name} the most expensive.");
            }
            if (r.Chance(0.3))
                sentences.Add("Prices per 1K tokens, cheapest first: " + string.Join(", ", MiniLlm.All.OrderBy(m => m.PricePerMillion).Select(m => $"{m.Name} {PricePer1K(m)}")) + ".");
            return string.Join(' ', sentences);
        }

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
