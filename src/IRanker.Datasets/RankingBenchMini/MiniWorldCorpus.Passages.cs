using System.Text;

namespace IRanker.Datasets;

public static partial class MiniWorldCorpus
{
    /// <summary>The passage world: topic paragraphs, glossaries, topic sentences and contrasts.</summary>
    private sealed partial class World
    {
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
    }
}
