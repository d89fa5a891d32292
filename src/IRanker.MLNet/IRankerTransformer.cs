using System.Runtime.CompilerServices;
using System.Threading.Channels;
using IRanker.MLNet.Data;
using IRanker.MLNet.Engine;
using IRanker.MLNet.Persistence;
using IRanker.Model.Ranking;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace IRanker.MLNet;

/// <summary>
/// A trained IRanker: scores rows by ranking each group (list) with the model, and ranks
/// <see cref="RankingQuery"/> streams for serving. Saved and loaded with <c>mlContext.Model.Save/Load</c>;
/// the zip carries the model's files. Dispose it to free the model.
/// </summary>
/// <remarks>
/// <see cref="Transform"/> is lazy: the first read of a score ranks every group of the input once (the rows'
/// texts are held in memory during that pass, because groups need not be contiguous), then all cursors share
/// one score per row. Rows keep their input order.
/// </remarks>
/// <example>
/// <code>
/// ITransformer model = mlContext.Model.Load("ranker.zip", out _);
/// IDataView scored = model.Transform(testData);
/// float[] scores = scored.GetColumn&lt;float&gt;("Score").ToArray();
///
/// var ranker = (IRankerTransformer)((TransformerChain&lt;ITransformer&gt;)model).LastTransformer;
/// await foreach (RankingResult result in ranker.RankAsync(queries, cancellationToken))
///     Console.WriteLine($"{result.Query.QueryId}: best = {result.Query.Candidates[result.Order[0]].Id}");
/// </code>
/// </example>
public sealed class IRankerTransformer : ITransformer, IDisposable
{
    // Engine calls are this large at most, so that cancellation is seen between them.
    private const int QueriesPerCall = 64;

    private readonly IHost _host;
    private readonly IRankingEngine _engine;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    internal IRankerTransformer(IHostEnvironment env, IRankerOptions options, IRankingEngine engine, string engineName)
    {
        _host = env.Register(nameof(IRankerTransformer));
        Options = options;
        _engine = engine;
        EngineName = engineName;
    }

    /// <summary>The options the model was trained with.</summary>
    internal IRankerOptions Options { get; }

    /// <summary>The engine (for benchmarks that look inside it).</summary>
    internal IRankingEngine Engine => _engine;

    /// <summary>The name of the engine's factory, saved in the zip.</summary>
    internal string EngineName { get; }

    /// <summary>The output column's name (<see cref="IRankerOptions.ScoreColumnName"/>).</summary>
    public string ScoreColumnName => Options.ScoreColumnName;

    /// <summary>Always false: a row's score depends on the other rows of its group.</summary>
    public bool IsRowToRowMapper => false;

    /// <summary>Checks the input columns (the label is not needed) and returns the input schema plus the score column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        RankingColumns.Bind(inputSchema, Options, needLabel: false);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        builder.AddColumn(Options.ScoreColumnName, NumberDataViewType.Single);
        return builder.ToSchema();
    }

    /// <summary>Not supported: the transformer ranks whole groups, not single rows. Use <see cref="Transform"/> or <see cref="RankAsync(IAsyncEnumerable{RankingQuery}, CancellationToken)"/>.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        throw new NotSupportedException($"{nameof(IRankerTransformer)} ranks whole groups, so it has no row-to-row mapper (and no PredictionEngine): use Transform or RankAsync.");

    /// <summary>Returns every input column plus the score, rows in input order; ranks lazily, on the first read of a score.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <remarks>Reading a score can throw <see cref="PromptTooLongException"/> (a candidate too long even alone, naming its
    /// group and row, or a group too long for one prompt) and <see cref="InvalidOperationException"/> for invalid rows
    /// (an empty or repeated candidate ID, …).</remarks>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ObjectDisposedException.ThrowIf(_disposed, this);
        RankingColumns.Bind(input.Schema, Options, needLabel: false);
        return new ScoredDataView(input, Options.ScoreColumnName, ScoreRows);
    }

    /// <summary>
    /// Ranks queries as they arrive and yields each result when it is ready, in input order. The queries that have
    /// already arrived when the model is free are ranked together in one engine call (at most
    /// <paramref name="maxBatchSize"/>; the engine packs them into forward batches by its token budget), so a fast
    /// producer gets batched throughput and a slow one gets each answer without waiting for others. Queries with one
    /// candidate (or none) are answered without a model call.
    /// </summary>
    /// <param name="queries">The lists to rank; their candidates' IDs are what the model sees.</param>
    /// <param name="maxBatchSize">The most queries ranked in one engine call (default 32).</param>
    /// <param name="cancellationToken">Stops ranking and the enumeration.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxBatchSize"/> is below 1.</exception>
    /// <exception cref="ArgumentException">While enumerating: a query has an empty candidate ID or two equal ones (after
    /// trimming); the message gives the query's index in the stream, its <c>QueryId</c>, the candidates' indices and the ID.
    /// The results of the queries before its batch have been yielded.</exception>
    /// <exception cref="PromptTooLongException">While enumerating: a query's prompt does not fit the model's positions or the
    /// token budget (docs/options.md, "Length limits").</exception>
    /// <example>
    /// <code>
    /// await foreach (var result in ranker.RankAsync(requests.ReadAllAsync(ct), maxBatchSize: 16, ct))
    ///     await respond(result.Query.QueryId, result.Order);
    /// </code>
    /// </example>
    public IAsyncEnumerable<RankingResult> RankAsync(IAsyncEnumerable<RankingQuery> queries, int maxBatchSize, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return RankBatches(queries, maxBatchSize, cancellationToken);
    }

    /// <summary>
    /// Ranks queries as they arrive and yields each result when it is ready, in input order, batching the queries
    /// that are already waiting (up to 32 per engine call; see the overload with <c>maxBatchSize</c>).
    /// </summary>
    /// <param name="queries">The lists to rank; their candidates' IDs are what the model sees.</param>
    /// <param name="cancellationToken">Stops ranking and the enumeration.</param>
    /// <example>
    /// <code>
    /// await foreach (var result in ranker.RankAsync(requests.ReadAllAsync(ct), ct))
    ///     await respond(result.Query.QueryId, result.Order);
    /// </code>
    /// </example>
    public IAsyncEnumerable<RankingResult> RankAsync(IAsyncEnumerable<RankingQuery> queries, CancellationToken cancellationToken = default) =>
        RankAsync(queries, DefaultAsyncBatchSize, cancellationToken);

    private const int DefaultAsyncBatchSize = 32;

    private async IAsyncEnumerable<RankingResult> RankBatches(IAsyncEnumerable<RankingQuery> queries, int maxBatchSize,
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
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var ranked = await Task.Run(() => _engine.Rank(toRank, cancellationToken), cancellationToken).ConfigureAwait(false);
            for (int k = 0; k < modelled.Count; k++) results[modelled[k]] = ranked[k];
        }
        finally
        {
            _gate.Release();
        }
        return results;
    }

    /// <summary>Frees the model.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _engine.Dispose();
        _gate.Dispose();
    }

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        ObjectDisposedException.ThrowIf(_disposed, this);
        IRankerModelFormat.Save(this, ctx);
    }

    /// <summary>Writes the engine's files into <paramref name="folder"/>.</summary>
    internal void SaveEngineTo(string folder)
    {
        _gate.Wait();
        try { _engine.SaveTo(folder); }
        finally { _gate.Release(); }
    }

    // The score of every row of input, in cursor order.
    private float[] ScoreRows(IDataView input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var channel = _host.Start("Scoring");
        using var watch = new CancellationWatch(_host);
        var grouped = GroupedRows.Read(input, RankingColumns.Bind(input.Schema, Options, needLabel: false), Options, watch.ThrowIfCanceled);

        var results = new RankingResult[grouped.Queries.Count];
        var toRank = new List<int>();
        for (int q = 0; q < results.Length; q++)
        {
            if (grouped.Queries[q].Candidates.Count <= 1) results[q] = WithoutModel(grouped.Queries[q]);
            else toRank.Add(q);
        }
        channel.Info(MessageSensitivity.None, $"IRanker: ranking {toRank.Count} groups ({results.Length - toRank.Count} need no model call).");

        foreach (int[] chunk in toRank.Chunk(QueriesPerCall))
        {
            watch.ThrowIfCanceled();
            IReadOnlyList<RankingResult> ranked;
            _gate.Wait();
            try { ranked = _engine.Rank(chunk.Select(q => grouped.Queries[q]).ToArray(), watch.Token); }
            catch (PromptTooLongException e) when (e.QueryIndex >= 0 && e.QueryIndex < chunk.Length)
            {
                throw WithRow(e, grouped, chunk[e.QueryIndex]);
            }
            finally { _gate.Release(); }
            for (int i = 0; i < chunk.Length; i++) results[chunk[i]] = ranked[i];
        }

        float[][] groupScores = results.Select(r => r.Scores()).ToArray();
        var scores = new float[grouped.RowQuery.Length];
        for (int row = 0; row < scores.Length; row++) scores[row] = groupScores[grouped.RowQuery[row]][grouped.RowCandidate[row]];
        return scores;
    }

    // Names the group and, for a candidate too long alone, its row and candidate-column text.
    private PromptTooLongException WithRow(PromptTooLongException e, GroupedRows grouped, int query)
    {
        string where = e.CandidateIndex is int candidate
            ? $"Group {grouped.GroupNames[query]}, row {grouped.RowOf(query, candidate)} (column '{Options.CandidateColumnName}')"
            : $"Group {grouped.GroupNames[query]}";
        return new PromptTooLongException(where, e);
    }

    private static RankingResult WithoutModel(RankingQuery query)
    {
        int[] order = query.Candidates.Count == 1 ? [0] : [];
        EliminationStep[] steps = query.Candidates.Count == 1 ? [new EliminationStep(0, 0, "", AnswerMatch.LastRemaining)] : [];
        return new RankingResult(query, order, steps);
    }
}
