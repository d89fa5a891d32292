using System.Globalization;
using IRanker.MLNet.Engine;
using IRanker.Model;
namespace IRanker.MLNet.Tests.Engine;

/// <summary>
/// A small, deterministic ranking engine for testing the ML.NET glue with real learned state: a candidate's
/// score is the sum, over its distinct words, of a learned word weight plus a bonus for words shared with the
/// query. Training is a pairwise perceptron over labelled candidates; ranking eliminates the lowest score first.
/// </summary>
internal sealed class LexicalRankingEngine : IRankingEngine
{
    internal const string WeightsFile = "lexical-weights.tsv";
    private const float OverlapBonus = 1f;

    private readonly Dictionary<string, float> _weights;

    internal LexicalRankingEngine(Dictionary<string, float> weights) => _weights = weights;

    /// <summary>How many times <see cref="Rank"/> was called (to check laziness and the no-call path).</summary>
    internal int RankCalls { get; private set; }

    internal IReadOnlyDictionary<string, float> Weights => _weights;

    public IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, CancellationToken cancellationToken = default)
    {
        RankCalls++;
        var results = new RankingResult[queries.Count];
        for (int q = 0; q < queries.Count; q++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            results[q] = RankOne(queries[q]);
        }
        return results;
    }

    internal float Score(string query, string candidate)
    {
        var queryWords = Words(query).ToHashSet(StringComparer.Ordinal);
        float score = 0;
        foreach (string word in Words(candidate).Distinct(StringComparer.Ordinal))
            score += _weights.GetValueOrDefault(word) + (queryWords.Contains(word) ? OverlapBonus : 0f);
        return score;
    }

    // Elimination, as the IRanker loop does it: the weakest remaining candidate goes first (ties: the later one).
    private RankingResult RankOne(RankingQuery query)
    {
        float[] scores = query.Candidates.Select(c => Score(query.Context, c.Text)).ToArray();
        var remaining = Enumerable.Range(0, scores.Length).ToList();
        var steps = new List<EliminationStep>();
        var eliminated = new List<int>();
        while (remaining.Count > 1)
        {
            int worst = remaining.OrderBy(i => scores[i]).ThenByDescending(i => i).First();
            steps.Add(new EliminationStep(steps.Count, worst, query.Candidates[worst].Id, AnswerMatch.Exact));
            eliminated.Add(worst);
            remaining.Remove(worst);
        }
        var order = remaining.Concat(Enumerable.Reverse(eliminated)).ToArray();
        return new RankingResult(query, order, steps);
    }

    public void SaveTo(string folder)
    {
        using var writer = new StreamWriter(Path.Combine(folder, WeightsFile));
        foreach (var (word, weight) in _weights.OrderBy(p => p.Key, StringComparer.Ordinal))
            writer.WriteLine($"{word}\t{weight.ToString("R", CultureInfo.InvariantCulture)}");
    }

    internal static Dictionary<string, float> ReadWeights(string folder)
    {
        string path = Path.Combine(folder, WeightsFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"No lexical weights in '{folder}'.", path);
        return File.ReadLines(path)
            .Select(line => line.Split('\t'))
            .ToDictionary(parts => parts[0], parts => float.Parse(parts[1], CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    internal static IEnumerable<string> Words(string text) =>
        text.ToLowerInvariant().Split(text.Where(c => !char.IsLetterOrDigit(c)).Distinct().ToArray(), StringSplitOptions.RemoveEmptyEntries);

    public void Dispose() { }
}

/// <summary>Trains and loads <see cref="LexicalRankingEngine"/>s.</summary>
internal sealed class LexicalRankingEngineFactory : IRankingEngineFactory
{
    internal static readonly LexicalRankingEngineFactory Instance = new();

    public string Name => "lexical-test";

    /// <summary>Called once per training step, before the step (tests use it to observe or slow training).</summary>
    internal Action<int>? OnStep { get; init; }

    public IRankingEngine Train(IReadOnlyList<RankingQuery> train, IRankerOptions options, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var weights = options.ModelPath is { } start ? LexicalRankingEngine.ReadWeights(start) : new Dictionary<string, float>(StringComparer.Ordinal);
        var engine = new LexicalRankingEngine(weights);
        var random = new Random(options.Seed);
        float rate = (float)(options.Training?.LearningRate ?? 0.25);
        int updates = 0;
        for (int step = 0; step < options.TrainingSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            OnStep?.Invoke(step);
            if (Learn(engine, weights, train[random.Next(train.Count)], random, rate)) updates++;
            if ((step + 1) % 100 == 0) progress.Report($"lexical training: step {step + 1}/{options.TrainingSteps}, {updates} updates");
        }
        return engine;
    }

    // One perceptron step on a random pair of differently labelled candidates; true when the weights changed.
    private static bool Learn(LexicalRankingEngine engine, Dictionary<string, float> weights, RankingQuery query, Random random, float rate)
    {
        var a = query.Candidates[random.Next(query.Candidates.Count)];
        var b = query.Candidates[random.Next(query.Candidates.Count)];
        if (a.Label == b.Label) return false;
        var (better, worse) = a.Label > b.Label ? (a, b) : (b, a);
        if (engine.Score(query.Context, better.Text) > engine.Score(query.Context, worse.Text) + 1f) return false;
        foreach (string w in LexicalRankingEngine.Words(better.Text)) weights[w] = weights.GetValueOrDefault(w) + rate;
        foreach (string w in LexicalRankingEngine.Words(worse.Text)) weights[w] = weights.GetValueOrDefault(w) - rate;
        return true;
    }

    public IRankingEngine Load(string folder, IRankerOptions options) => new LexicalRankingEngine(LexicalRankingEngine.ReadWeights(folder));
}
