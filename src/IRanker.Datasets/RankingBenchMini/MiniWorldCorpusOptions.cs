using IRanker.Model;

namespace IRanker.Datasets;

/// <summary>Options of <see cref="MiniWorldCorpus"/>: the seed and which worlds the documents come from.</summary>
/// <example>
/// <code>
/// // A corpus without any routing content, for a model that is to be tested on routing unseen:
/// var texts = MiniWorldCorpus.Take(new MiniWorldCorpusOptions { Seed = 3, Scenarios = [RankingScenario.Recommendation, RankingScenario.Passage] }, 5_000_000);
/// </code>
/// </example>
public sealed class MiniWorldCorpusOptions
{
    /// <summary>Seed of every document: the same seed (and scenarios) gives the same documents. Default 42.</summary>
    public int Seed { get; set; } = 42;

    /// <summary>
    /// The worlds to write about: <see cref="RankingScenario.Recommendation"/>, <see cref="RankingScenario.Routing"/>
    /// and <see cref="RankingScenario.Passage"/> (any other value is ignored). Null means all three; a scenario left
    /// out contributes no document and no item of a look-back document.
    /// </summary>
    public IReadOnlyCollection<RankingScenario>? Scenarios { get; set; }
}
