using IRanker.Datasets;
using IRanker.Model;
using IRanker.Model.Text;

namespace IRanker.Benchmarks.Mini;

/// <summary>The mini world's text for IRanker-mini's recipe: the corpus of <see cref="MiniWorldCorpus"/> and the tokenizer learned on it.</summary>
internal static class MiniWorld
{
    /// <summary>Documents of the corpus the tokenizer is learned on (about 5 MB).</summary>
    public const int TokenizerDocuments = 15_000;

    /// <summary>The corpus of <paramref name="seed"/>, without <paramref name="excluded"/>'s documents when one is given.</summary>
    public static IEnumerable<string> Corpus(int seed, RankingScenario? excluded) => MiniWorldCorpus.Documents(new MiniWorldCorpusOptions
    {
        Seed = seed,
        Scenarios = excluded is null ? null : new[] { RankingScenario.Recommendation, RankingScenario.Routing, RankingScenario.Passage }.Where(s => s != excluded).ToList(),
    });

    /// <summary>Learns a byte-level BPE of <paramref name="vocab"/> ids on <paramref name="texts"/> and writes it into <paramref name="folder"/>.</summary>
    public static void TrainTokenizer(IEnumerable<string> texts, int vocab, string folder) => ByteLevelBpeTrainer.TrainAndSave(texts, vocab, folder);
}
