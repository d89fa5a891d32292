using IRanker.Cli.Data;
using IRanker.MLNet;
using IRanker.Model;
using IRanker.Model.Elimination;

namespace IRanker.Cli.Commands;

/// <summary>
/// Ranks lists with a trained model as they are read, <see cref="ListsPerCall"/> at a time in file order, through the
/// model and inference settings of the transformer (<see cref="IRankerTransformer.Model"/>,
/// <see cref="IRankerTransformer.InferenceOptions"/>) and <see cref="IterativeRanker"/>, as a host that batches on its own
/// does. The batches depend on the file alone, not on timing, so every run ranks a file identically.
/// </summary>
internal static class ListRanking
{
    /// <summary>Lists per engine call: the lists held at a time, and the step at which Ctrl+C is seen.</summary>
    public const int ListsPerCall = 32;

    /// <summary>Each list with its ranking, in input order.</summary>
    /// <exception cref="CliException">The model was trained with another ranking engine.</exception>
    public static IEnumerable<(InputList List, RankingResult Result)> Rank(IRankerTransformer transformer, IEnumerable<InputList> lists, CancellationToken cancellationToken)
    {
        var model = transformer.Model
            ?? throw CliException.Model("the model was trained with another ranking engine, not an IRanker language model; the command ranks with IRanker models only.");
        var ranker = new IterativeRanker(model, transformer.InferenceOptions);
        foreach (var chunk in lists.Chunk(ListsPerCall))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var results = ranker.Rank(chunk.Select(l => l.Query).ToArray(), cancellationToken);
            for (int i = 0; i < chunk.Length; i++) yield return (chunk[i], results[i]);
        }
    }
}
