using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>
/// Version-2 passage lists (<see cref="RankingBenchMiniVersion.V2"/>): vocabulary mismatch and lexical hard negatives,
/// over the word groups of <see cref="PassageWordGroups"/>.
/// </summary>
/// <remarks>
/// <para>The query names two or three concepts of one topic T, each with one of its two words. Every passage has two or
/// three sentences of two content words (four or six words), drawn the same way whatever its label, and the list is
/// shuffled, so length and position say nothing. Each list also has a second topic U, the topic of its hard negatives
/// and of the off-topic half of its partial matches.</para>
/// <list type="bullet">
/// <item>Positive (label 2): names every query concept, each with the query's word with probability
/// <see cref="SameWordProbability"/> and with the other word of the concept otherwise (vocabulary mismatch); its other
/// words are other words of T. A six-word positive has one sentence on another topic with probability
/// <see cref="OffTopicSentenceProbability"/>; with probability <see cref="WeakPositiveProbability"/> only half its words
/// are on T (noise).</item>
/// <item>Partial matches (label 1; one, or two for N ≥ 7 half the time): half the words from T (one of them a query word
/// half the time), half from U.</item>
/// <item>Negatives (label 0): with probability <see cref="HardNegativeProbability"/> a lexical hard negative: words of U
/// plus one or two of the query's own words (one in a four-word passage); otherwise words of a third topic, with a
/// query word slipped in with probability <see cref="DistractorProbability"/>.</item>
/// </list>
/// <para>The probabilities were set so that BM25 lands near the paper's row on Passage-5/7/9 (docs/data.md,
/// "Version 2"); ranking by the topic of a passage (the share of its words in T, <see cref="RankingBenchMiniOracle"/>)
/// reaches MRR 0.95-0.98.</para>
/// </remarks>
internal sealed class CalibratedPassageGenerator : ITaskGenerator
{
    public const double SameWordProbability = 0.4;
    public const double OffTopicSentenceProbability = 0.3;
    public const double WeakPositiveProbability = 0.1;
    public const double HardNegativeProbability = 0.5;
    public const double DistractorProbability = 0.15;

    private readonly int _size;

    public CalibratedPassageGenerator(int size)
    {
        _size = size;
        Task = $"Passage-{size}";
    }

    public string Task { get; }

    public RankingScenario Scenario => RankingScenario.Passage;

    public RankingQuery Generate(Random random, string queryId, IReadOnlySet<string> usedContexts)
    {
        var topics = PassageWordGroups.Topics;
        int topic = random.Next(topics.Count);
        var concepts = random.Sample(Enumerable.Range(0, PassageWordGroups.ConceptsPerTopic).ToArray(), random.Chance(0.5) ? 2 : 3);
        var forms = concepts.Select(_ => random.Next(2)).ToArray();
        var queryWords = concepts.Select((c, i) => topics[topic][c][forms[i]]).ToList();
        string template = random.Pick(PassageGenerator.QueryTemplates);
        string query = queryWords.Count == 2
            ? string.Format(template, queryWords[0], queryWords[1])
            : string.Format(template, queryWords[0] + " " + queryWords[1], queryWords[2]);
        int confusable = OtherTopic(random, topic);

        var texts = new List<(List<string> Words, float Label)> { (Positive(random, topic, concepts, forms), 2) };
        int partials = _size >= 7 && random.Chance(0.5) ? 2 : 1;
        for (int p = 0; p < partials; p++) texts.Add((Partial(random, topic, confusable, queryWords), 1));
        while (texts.Count < _size) texts.Add((Negative(random, topic, confusable, queryWords), 0));
        var shuffled = texts.ToArray();
        random.Shuffle(shuffled);

        var candidates = shuffled.Select((t, i) => new RankingCandidate($"passage {i + 1}", PassageGenerator.Passage(random, t.Words), t.Label)).ToList();
        return new RankingQuery(query, candidates, Scenario, Task, queryId);
    }

    private static List<string> Positive(Random random, int topic, List<int> concepts, int[] forms)
    {
        var concept = PassageWordGroups.Topics[topic];
        int length = Length(random);
        var words = concepts.Select((c, i) => concept[c][random.Chance(SameWordProbability) ? forms[i] : 1 - forms[i]]).ToList();
        var queryConcepts = concepts.ToHashSet();
        var rest = Enumerable.Range(0, PassageWordGroups.ConceptsPerTopic).Where(c => !queryConcepts.Contains(c)).SelectMany(c => concept[c]).ToArray();
        words.AddRange(random.Sample(rest, length - words.Count));
        words = random.Sample(words, words.Count);
        if (random.Chance(WeakPositiveProbability))
            return [.. words.Take(length / 2), .. random.Sample(PassageWordGroups.WordsOf(OtherTopic(random, topic)), length - length / 2)];
        if (length == 6 && random.Chance(OffTopicSentenceProbability))
            return [.. words.Take(4), .. random.Sample(PassageWordGroups.WordsOf(OtherTopic(random, topic)), 2)];
        return words;
    }

    private static List<string> Partial(Random random, int topic, int confusable, List<string> queryWords)
    {
        int length = Length(random);
        var onTopic = random.Sample(PassageWordGroups.WordsOf(topic).Except(queryWords).ToArray(), length / 2);
        if (random.Chance(0.5)) onTopic[0] = random.Pick(queryWords);
        return random.Sample([.. onTopic, .. random.Sample(PassageWordGroups.WordsOf(confusable), length - length / 2)], length);
    }

    private static List<string> Negative(Random random, int topic, int confusable, List<string> queryWords)
    {
        int length = Length(random);
        List<string> words;
        if (random.Chance(HardNegativeProbability))
        {
            int shared = length == 4 ? 1 : 1 + random.Next(2);
            words = [.. random.Sample(PassageWordGroups.WordsOf(confusable), length - shared), .. random.Sample(queryWords, shared)];
        }
        else
        {
            int other;
            do other = OtherTopic(random, topic); while (other == confusable);
            words = random.Sample(PassageWordGroups.WordsOf(other), length);
            if (random.Chance(DistractorProbability)) words[random.Next(length)] = random.Pick(queryWords);
        }
        return random.Sample(words, words.Count);
    }

    /// <summary>Four or six content words (two or three sentences), whatever the label.</summary>
    private static int Length(Random random) => random.Chance(0.5) ? 4 : 6;

    private static int OtherTopic(Random random, int topic) =>
        (topic + 1 + random.Next(PassageWordGroups.TopicCount - 1)) % PassageWordGroups.TopicCount;
}
