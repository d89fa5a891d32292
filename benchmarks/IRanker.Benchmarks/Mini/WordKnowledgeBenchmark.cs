using System.Globalization;
using System.Text;
using IRanker.Datasets;
using IRanker.Model;
using IRanker.Model.Runtime;
using static TorchSharp.torch;

namespace IRanker.Benchmarks.Mini;

/// <summary>
/// Whether a model's input embeddings know the passage world's word groups (docs/data.md, "Passage ranking (version 2)"),
/// apart from whether it ranks with them: the mean cosine similarity of the two words of a concept, of two words of one
/// topic, and of words of two topics; and the MRR of a ranker that uses nothing but those embeddings on the quickstart's
/// passage test lists: each text is the mean of its group words' unit embeddings (the other words, the templates'
/// words, are dropped: this ranker knows which words are group words, not their groups), and passages rank by cosine
/// similarity with the query.
/// </summary>
/// <remarks>
/// Options: <c>--models</c> (comma-separated model folders; default IRanker-mini's base model and IRanker-mini, with an
/// untrained model of their shape written for the control), <c>--seed</c> (the quickstart's data seed; default 1),
/// <c>--test</c> (test lists per task; default 100).
/// </remarks>
internal sealed class WordKnowledgeBenchmark : IBenchmarkCommand
{
    public string Title => "Word knowledge in IRanker-mini's embeddings";

    public string Run(string[] args)
    {
        TorchRuntime.EnsureInitialized();
        int seed = int.Parse(BenchmarkArguments.Option(args, "--seed", "1"), CultureInfo.InvariantCulture);
        int test = int.Parse(BenchmarkArguments.Option(args, "--test", "100"), CultureInfo.InvariantCulture);
        var folders = BenchmarkArguments.Option(args, "--models", "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        string? untrained = null;
        if (folders.Count == 0)
        {
            folders = [Path.Combine("models", "iranker-mini-base"), Path.Combine("models", "iranker-mini")];
            untrained = Path.Combine(Path.GetTempPath(), "iranker-untrained-" + Guid.NewGuid().ToString("N"));
            using (var shipped = IRankerModel.Load(folders[1]))
            {
                manual_seed(seed);
                using var random = new IRankerModel(new IRanker.Model.Modeling.Qwen2ForCausalLM(shipped.Model.Config), shipped.Tokenizer, style: shipped.Style, layout: shipped.Layout);
                random.Save(untrained);
            }
            folders.Insert(0, untrained);
        }
        var data = RankingBenchMini.Generate(new RankingBenchMiniOptions { Seed = seed, TrainQueriesPerTask = 1, TestQueriesPerTask = test, Version = RankingBenchMiniVersion.V2 });
        var passages = data.Tasks.Where(t => t.Scenario == RankingScenario.Passage).ToList();

        var body = new StringBuilder();
        body.AppendLine(CultureInfo.InvariantCulture, $"Machine: {BenchmarkReport.Machine()}. Date: {DateTime.UtcNow:yyyy-MM-dd}. Command: `dotnet run --project benchmarks/IRanker.Benchmarks -c Release -- word-knowledge{(args.Length > 0 ? " " + string.Join(' ', args) : "")}`.");
        body.AppendLine();
        body.AppendLine("Mean cosine similarity of input embeddings (a word's embedding: the mean of its tokens' after a space), over the 30 topics of");
        body.AppendLine("the passage world; then the MRR x100 of ranking each passage list by the cosine similarity of its texts' mean group-word");
        body.AppendLine(CultureInfo.InvariantCulture, $"embeddings (the quickstart's test lists, seed {seed}, {test} per task; BM25 and the model's own ranking: the main job's table).");
        body.AppendLine();
        body.AppendLine("| model | two words of a concept | two concepts of a topic | two topics | " + string.Join(" | ", passages.Select(p => $"{p.Name} by embeddings")) + " |");
        body.AppendLine("|---|---|---|---|" + string.Concat(passages.Select(_ => "---|")));
        try
        {
            foreach (var folder in folders)
            {
                using var model = IRankerModel.Load(folder);
                var (pair, topic, other) = Similarities(model);
                var mrr = passages.Select(p => ByEmbeddings(model, p.Test)).ToList();
                string name = folder == untrained ? "untrained (random weights of the same shape)" : folder;
                body.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {pair:0.000} | {topic:0.000} | {other:0.000} | {string.Join(" | ", mrr.Select(m => (100 * m).ToString("0.0", CultureInfo.InvariantCulture)))} |");
                Console.WriteLine($"{name}: {pair:0.000} {topic:0.000} {other:0.000} {string.Join(' ', mrr.Select(m => (100 * m).ToString("0.0", CultureInfo.InvariantCulture)))}");
            }
        }
        finally
        {
            if (untrained is not null && Directory.Exists(untrained)) Directory.Delete(untrained, recursive: true);
        }
        return body.ToString();
    }

    /// <summary>A word's embedding: the mean of its tokens' (encoded after a space, as in running text), as a unit vector.</summary>
    private static Tensor WordVector(IRankerModel model, string word)
    {
        var ids = model.Tokenizer.Encode(" " + word).Select(i => (long)i).ToArray();
        var mean = model.Model.Decoder.EmbeddingWeight.detach().index_select(0, tensor(ids)).mean([0L]);
        return mean / mean.norm();
    }

    private static double Cosine(Tensor a, Tensor b) => nn.functional.cosine_similarity(a.unsqueeze(0), b.unsqueeze(0)).item<float>();

    private static (double Pair, double Topic, double Other) Similarities(IRankerModel model)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var topics = Enumerable.Range(0, PassageWordGroups.TopicCount).Select(t => PassageWordGroups.WordsOf(t).Select(w => WordVector(model, w)).ToArray()).ToArray();
        double pair = 0, topic = 0, other = 0;
        int pairs = 0, topicPairs = 0, others = 0;
        for (int t = 0; t < topics.Length; t++)
        {
            var words = topics[t];
            for (int i = 0; i < words.Length; i++)
                for (int j = i + 1; j < words.Length; j++)
                {
                    // WordsOf lists a topic's concepts in turn, the two words of each together.
                    if (i / 2 == j / 2) { pair += Cosine(words[i], words[j]); pairs++; }
                    else { topic += Cosine(words[i], words[j]); topicPairs++; }
                }
            for (int u = t + 1; u < topics.Length; u++)
                foreach (var a in words)
                    foreach (var b in topics[u]) { other += Cosine(a, b); others++; }
        }
        return (pair / pairs, topic / topicPairs, other / others);
    }

    /// <summary>The MRR of ranking each list's passages by the cosine similarity of their mean group-word embeddings with the query's.</summary>
    private static double ByEmbeddings(IRankerModel model, IReadOnlyList<RankingQuery> lists)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        Tensor? TextVector(string text)
        {
            var words = PassageWordGroups.GroupWordsIn(text).ToList();
            return words.Count == 0 ? null : stack(words.Select(w => WordVector(model, w)).ToArray()).mean([0L]);
        }
        double sum = 0;
        foreach (var list in lists)
        {
            var query = TextVector(list.Context);
            var scores = list.Candidates.Select(c => query is null || TextVector(c.Text) is not { } v ? 0 : Cosine(query, v)).ToArray();
            float best = list.Candidates.Max(c => c.Label!.Value);
            // Ties count against the positive: it ranks after every candidate with a score at least its own.
            int positive = Enumerable.Range(0, scores.Length).First(i => list.Candidates[i].Label == best);
            int rank = 1 + Enumerable.Range(0, scores.Length).Count(i => i != positive && scores[i] >= scores[positive]);
            sum += 1.0 / rank;
        }
        return sum / lists.Count;
    }
}
