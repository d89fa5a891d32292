using IRanker.Model.Answers;
using IRanker.Model.Text;

namespace IRanker.Model.Tests.Training;

/// <summary>
/// A small passage-ranking task that a tiny model can learn from scratch: topics of words; the query is a few words of
/// one topic; the positive passage (label 2) is mostly that topic's words, partial passages (1) mix in a little of
/// it, negatives (0) are about other topics. Words are three-letter pseudo-words that the tokenizer keeps as one token
/// each (after a space), so that prompts stay short.
/// </summary>
internal sealed class SyntheticPassageTask
{
    private const int Topics = 30, WordsPerTopic = 10, Fillers = 60;
    private readonly string[][] topicWords;
    private readonly string[] fillers;

    public SyntheticPassageTask()
    {
        var candidates = PseudoWords().Distinct().ToArray();
        var tokenizer = CompactTokenizer.Build(candidates.Select(w => " " + w));
        var words = candidates.Where(w => tokenizer.Encode(" " + w).Count == 1).Take(Topics * WordsPerTopic + Fillers).ToArray();
        if (words.Length < Topics * WordsPerTopic + Fillers) throw new InvalidOperationException($"Only {words.Length} single-token pseudo-words.");
        topicWords = Enumerable.Range(0, Topics).Select(t => words.Skip(t * WordsPerTopic).Take(WordsPerTopic).ToArray()).ToArray();
        fillers = words.Skip(Topics * WordsPerTopic).ToArray();
    }

    /// <summary>The step prompt: <c>Q query P1 words … A</c>, remaining candidates in the given order, IDs kept.</summary>
    public static string Prompt(RankingQuery query, IReadOnlyList<int> remaining) =>
        "Q " + query.Context + string.Concat(remaining.Select(i => $" {query.Candidates[i].Id} {query.Candidates[i].Text}")) + " A";

    /// <summary>Every word and ID, and each ID as an answer, to build a tokenizer from.</summary>
    public IEnumerable<string> Corpus(IEnumerable<RankingQuery> queries) =>
        queries.SelectMany(q => q.Candidates.Select(c => c.Id + AnswerTags.AnswerClose).Prepend(Prompt(q, Enumerable.Range(0, q.Candidates.Count).ToArray())));

    public List<RankingQuery> Queries(int count, int candidates, int seed)
    {
        var random = new Random(seed);
        var result = new List<RankingQuery>(count);
        for (int n = 0; n < count; n++)
        {
            int topic = random.Next(Topics);
            var query = Pick(topicWords[topic], random.Next(3, 5), random);
            var texts = new List<(string Text, float Label)>();
            var positive = Pick(topicWords[topic], random.Next(3, 6), random).Concat(Pick(fillers, 1, random));
            texts.Add((string.Join(' ', Shuffle(positive.ToList(), random)), 2));
            int partials = random.Next(1, 3);
            for (int p = 0; p < partials && texts.Count < candidates; p++)
            {
                var words = Pick(topicWords[topic], random.Next(1, 3), random).Concat(Pick(topicWords[Other(topic, random)], 3, random));
                texts.Add((string.Join(' ', Shuffle(words.ToList(), random)), 1));
            }
            while (texts.Count < candidates)
            {
                var words = Pick(topicWords[Other(topic, random)], random.Next(3, 6), random).Concat(Pick(fillers, 1, random));
                texts.Add((string.Join(' ', Shuffle(words.ToList(), random)), 0));
            }
            Shuffle(texts, random);
            result.Add(new RankingQuery(string.Join(' ', query),
                texts.Select((t, i) => new RankingCandidate($"P{i + 1}", t.Text, t.Label)).ToArray(),
                RankingScenario.Passage, QueryId: $"q{seed}-{n}"));
        }
        return result;
    }

    private static int Other(int topic, Random random)
    {
        int other;
        do other = random.Next(Topics); while (other == topic);
        return other;
    }

    private static IEnumerable<string> Pick(string[] from, int count, Random random) => Shuffle(from.ToList(), random).Take(count);

    private static List<T> Shuffle<T>(List<T> items, Random random)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
        return items;
    }

    private static IEnumerable<string> PseudoWords()
    {
        const string consonants = "bdfgklmnprstvz", vowels = "aeiou";
        foreach (char v in vowels)
            foreach (char a in consonants)
                foreach (char b in consonants)
                    yield return $"{a}{v}{b}";
    }
}
