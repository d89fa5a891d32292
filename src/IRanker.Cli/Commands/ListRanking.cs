using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using IRanker.Cli.Data;
using IRanker.MLNet;
using IRanker.Model.Ranking;

namespace IRanker.Cli.Commands;

/// <summary>Ranks lists with a trained transformer as they are read (<see cref="IRankerTransformer.RankAsync(IAsyncEnumerable{RankingQuery}, CancellationToken)"/>), pairing each result with its list.</summary>
internal static class ListRanking
{
    /// <summary>Each list with its ranking, in input order; at most a few batches of lists are held at a time.</summary>
    public static async IAsyncEnumerable<(InputList List, RankingResult Result)> RankAsync(IRankerTransformer transformer, IEnumerable<InputList> lists,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var waiting = new ConcurrentQueue<InputList>();
        await foreach (var result in transformer.RankAsync(Queries(lists, waiting, cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            if (!waiting.TryDequeue(out var list)) throw new InvalidOperationException("A ranking came back without its list.");
            yield return (list, result);
        }
    }

    private static async IAsyncEnumerable<RankingQuery> Queries(IEnumerable<InputList> lists, ConcurrentQueue<InputList> waiting,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (var list in lists)
        {
            cancellationToken.ThrowIfCancellationRequested();
            waiting.Enqueue(list);
            yield return list.Query;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
