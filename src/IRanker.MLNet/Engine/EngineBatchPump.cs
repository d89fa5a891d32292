using System.Runtime.CompilerServices;
using System.Threading.Channels;
using IRanker.Model;
using IRanker.Model.Answers;
namespace IRanker.MLNet.Engine;

/// <summary>
/// Feeds a stream of queries to the engine in batches: the queries that have arrived when the engine is free go in one
/// engine call, so a fast producer gets batched throughput and a slow one gets each answer without waiting for others.
/// </summary>
/// <remarks>Engine calls hold <c>gate</c>, the lock the transformer's other engine calls hold too.</remarks>
internal sealed class EngineBatchPump(IRankingEngine engine, SemaphoreSlim gate)
{
    /// <summary>Ranks <paramref name="queries"/> as they arrive and yields each result when it is ready, in input order.</summary>
    public async IAsyncEnumerable<RankingResult> RankBatches(IAsyncEnumerable<RankingQuery> queries, int maxBatchSize,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The producer reads the source into a channel; each round takes whatever has arrived (at least one query).
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var arrived = Channel.CreateBounded<RankingQuery>(new BoundedChannelOptions(2 * maxBatchSize) { SingleReader = true, SingleWriter = true });
        var producer = Task.Run(async () =>
        {
            try
            {
                await foreach (var query in queries.WithCancellation(stop.Token).ConfigureAwait(false))
                    await arrived.Writer.WriteAsync(query, stop.Token).ConfigureAwait(false);
            }
            finally
            {
                arrived.Writer.TryComplete();
            }
        }, CancellationToken.None);
        try
        {
            var batch = new List<RankingQuery>(maxBatchSize);
            long received = 0;   // queries before this batch, so that an error names the query's index in the stream
            while (await arrived.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < maxBatchSize && arrived.Reader.TryRead(out var query)) batch.Add(query);
                CandidateIdValidation.Check(batch, nameof(queries), received);
                received += batch.Count;
                foreach (var result in await RankBatchAsync(batch, cancellationToken).ConfigureAwait(false))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    yield return result;
                }
            }
            await producer.ConfigureAwait(false);   // the source's own exception, after the results of what it gave
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await producer.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Rethrown above already, or the source stopped because the enumeration ended early.
            }
        }
    }

    /// <summary>The result of a query with one candidate (or none), which needs no engine call.</summary>
    public static RankingResult WithoutModel(RankingQuery query)
    {
        int[] order = query.Candidates.Count == 1 ? [0] : [];
        EliminationStep[] steps = query.Candidates.Count == 1 ? [new EliminationStep(0, 0, "", AnswerMatch.LastRemaining)] : [];
        return new RankingResult(query, order, steps);
    }

    /// <summary>Ranks one batch in a single engine call (queries of 0 or 1 candidates need none); results in batch order.</summary>
    private async Task<RankingResult[]> RankBatchAsync(List<RankingQuery> batch, CancellationToken cancellationToken)
    {
        var results = new RankingResult[batch.Count];
        var modelled = new List<int>(batch.Count);
        for (int i = 0; i < batch.Count; i++)
        {
            if (batch[i].Candidates.Count <= 1) results[i] = WithoutModel(batch[i]);
            else modelled.Add(i);
        }
        if (modelled.Count == 0) return results;
        var toRank = modelled.Select(i => batch[i]).ToArray();
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var ranked = await Task.Run(() => engine.Rank(toRank, cancellationToken), cancellationToken).ConfigureAwait(false);
            for (int k = 0; k < modelled.Count; k++) results[modelled[k]] = ranked[k];
        }
        finally
        {
            gate.Release();
        }
        return results;
    }
}
