using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// Passage lists: a short query made of two or three content words of one topic, and N passages named
/// <c>passage 1</c> .. <c>passage N</c> (1-based, in list order) of two or three sentences each.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Positive (label 2): on the query's topic and containing every query word; with probability
/// <see cref="WeakPositiveProbability"/> only one of them (noise).</item>
/// <item>Partial matches (label 1; one, or two for N ≥ 7 half the time): one sentence on the query's topic without the
/// query words, or with one of them half the time; the other sentences on another topic.</item>
/// <item>Negatives (label 0): on other topics; with probability <see cref="DistractorProbability"/> one query word slips in.</item>
/// </list>
/// </remarks>
internal sealed class PassageGenerator : ITaskGenerator
{
    public const double WeakPositiveProbability = 0.1;
    public const double DistractorProbability = 0.15;

    internal static readonly string[] QueryTemplates =
    [
        "what is {0} {1}", "how does {0} affect {1}", "why is {0} important for {1}", "{0} and {1} explained",
        "how to choose {0} for {1}", "what causes {0} {1}", "is {0} related to {1}", "best {0} {1} tips",
    ];

    // Short sentences with two content words in four to six words, the topic words never first (so never capitalised):
    // the content-word share of real web passages. Sentences with seven filler words around each pair kept a small
    // model trained from scratch at chance for 38,000 prompts (docs/training.md).
    internal static readonly string[] Sentences =
    [
        "The {0} shapes the {1}.", "Most {0} depends on {1}.", "Each {0} needs good {1}.", "The {0} affects every {1}.",
        "Experts link {0} to {1}.", "Both {0} and {1} matter.", "Check the {0} and the {1}.", "Learn how {0} changes {1}.",
        "The {0} often follows the {1}.", "Good {0} means better {1}.",
    ];

    private readonly int _size;

    public PassageGenerator(int size)
    {
        _size = size;
        Task = $"Passage-{size}";
    }

    public string Task { get; }

    public RankingScenario Scenario => RankingScenario.Passage;

    public RankingQuery Generate(Random random, string queryId, IReadOnlySet<string> usedContexts)
    {
        var topics = PassageTopics.All;
        int topic = random.Next(topics.Count);
        int queryWordCount = random.Chance(0.5) ? 2 : 3;
        var queryWords = random.Sample(topics[topic], queryWordCount);
        var otherWords = topics[topic].Except(queryWords).ToList();
        string template = random.Pick(QueryTemplates);
        string query = queryWordCount == 2
            ? string.Format(template, queryWords[0], queryWords[1])
            : string.Format(template, queryWords[0] + " " + queryWords[1], queryWords[2]);

        int partials = _size >= 7 && random.Chance(0.5) ? 2 : 1;
        var texts = new List<(string Text, float Label)> { (Positive(random, queryWords, otherWords), 2) };
        for (int p = 0; p < partials; p++) texts.Add((Partial(random, topic, queryWords, otherWords), 1));
        while (texts.Count < _size) texts.Add((Negative(random, topic, queryWords), 0));
        var shuffled = texts.ToArray();
        random.Shuffle(shuffled);

        var candidates = shuffled.Select((t, i) => new RankingCandidate($"passage {i + 1}", t.Text, t.Label)).ToList();
        return new RankingQuery(query, candidates, Scenario, Task, queryId);
    }

    private static string Positive(Random random, List<string> queryWords, List<string> otherWords)
    {
        var words = random.Chance(WeakPositiveProbability) ? [random.Pick(queryWords)] : queryWords.ToList();
        while (words.Count < 4) words.Add(random.Pick(otherWords));
        if (random.Chance(0.5)) words.AddRange(random.Sample(otherWords, 2));
        return Passage(random, random.Sample(words, words.Count));
    }

    private static string Partial(Random random, int topic, List<string> queryWords, List<string> otherWords)
    {
        var onTopic = random.Sample(otherWords, 2);
        if (random.Chance(0.5)) onTopic[0] = random.Pick(queryWords);
        var offTopic = random.Sample(PassageTopics.All[OtherTopic(random, topic)], random.Chance(0.5) ? 2 : 4);
        return Sentence(random, onTopic[0], onTopic[1]) + " " + Passage(random, offTopic);
    }

    private static string Negative(Random random, int topic, List<string> queryWords)
    {
        var words = random.Sample(PassageTopics.All[OtherTopic(random, topic)], random.Chance(0.5) ? 4 : 6);
        if (random.Chance(DistractorProbability)) words[random.Next(words.Count)] = random.Pick(queryWords);
        return Passage(random, words);
    }

    private static int OtherTopic(Random random, int topic) => (topic + 1 + random.Next(PassageTopics.All.Count - 1)) % PassageTopics.All.Count;

    /// <summary>One sentence per pair of words (an odd word out is dropped).</summary>
    internal static string Passage(Random random, List<string> words) =>
        string.Join(' ', Enumerable.Range(0, words.Count / 2).Select(i => Sentence(random, words[2 * i], words[2 * i + 1])));

    internal static string Sentence(Random random, string first, string second)
    {
        var text = string.Format(random.Pick(Sentences), first, second);
        return char.ToUpperInvariant(text[0]) + text[1..];
    }
}
