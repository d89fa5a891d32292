using IRanker.MLNet.Data;
using IRanker.MLNet.Engine;
using IRanker.MLNet.Persistence;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Prompts;
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
    private readonly EngineBatchPump _pump;
    private bool _disposed;

    internal IRankerTransformer(IHostEnvironment env, IRankerOptions options, IRankingEngine engine, string engineName)
    {
        _host = env.Register(nameof(IRankerTransformer));
        Options = options;
        _engine = engine;
        EngineName = engineName;
        _pump = new EngineBatchPump(engine, _gate);
    }

    /// <summary>The options the model was trained with.</summary>
    internal IRankerOptions Options { get; }

    /// <summary>The name of the engine's factory, saved in the zip.</summary>
    internal string EngineName { get; }

    /// <summary>
    /// The IRanker model behind this transformer (Qwen2 model, tokenizer, prompt template), for a host that drives
    /// <see cref="IterativeRanker"/> itself, for example a server that batches many clients' lists into one call;
    /// null when the model was trained with another ranking engine. The transformer still owns the model: dispose the
    /// transformer, not the model, and do not rank through both at the same time.
    /// </summary>
    /// <example>
    /// <code>
    /// var ranker = new IterativeRanker(transformer.Model!, transformer.InferenceOptions);
    /// </code>
    /// </example>
    public IRankerModel? Model => (_engine as ModelRankingEngine)?.Model;

    /// <summary>A copy of the inference settings this transformer ranks with (decoding mode, token budget, prefix reuse).</summary>
    public RankerOptions InferenceOptions => ResolvedOptions.InferenceFor(Options);

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
        foreach (var name in OutputColumns) builder.AddColumn(name, NumberDataViewType.Single);
        return builder.ToSchema();
    }

    /// <summary>The output columns: the score, then the relevance where <see cref="IRankerOptions.RelevanceColumnName"/> is set.</summary>
    private string[] OutputColumns => Options.RelevanceColumnName is { } relevance ? [Options.ScoreColumnName, relevance] : [Options.ScoreColumnName];

    /// <summary>
    /// The same model ranking with another elimination schedule: no copy of the weights (the new transformer uses this
    /// one's model, so keep this one undisposed while using it); it saves and loads like any IRanker transformer.
    /// </summary>
    /// <param name="schedule">The schedule, e.g. <c>EliminationSchedule.Fraction(0.5, exactTop: 5)</c>.</param>
    /// <exception cref="ArgumentException">The schedule needs <see cref="DecodingMode.Choice"/> and the model ranks in another mode.</exception>
    /// <exception cref="NotSupportedException">The model was trained with a ranking engine that has no schedule.</exception>
    /// <example>
    /// <code>
    /// var fast = ranker.WithSchedule(EliminationSchedule.Fraction(0.5, exactTop: 5));
    /// IDataView scored = fast.Transform(testData);
    /// </code>
    /// </example>
    public IRankerTransformer WithSchedule(EliminationSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var options = IRankerModelFormat.Copy(Options);
        options.Inference.Schedule = schedule;
        var inference = ResolvedOptions.InferenceFor(options);
        return new IRankerTransformer(_host, options, _engine.WithInference(inference), EngineName);
    }

    /// <summary>
    /// The same model ranking with each elimination step shown the remaining candidates in
    /// <paramref name="orderSamples"/> orders and deciding by their averaged Choice distribution
    /// (<see cref="RankerOptions.OrderSamples"/> in <see cref="IRankerOptions.Inference"/>): no copy of the weights (the new transformer uses this one's model, so
    /// keep this one undisposed while using it); it saves and loads like any IRanker transformer.
    /// </summary>
    /// <param name="orderSamples">Orders per step, 1 or more (1 = the rows' own order only).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="orderSamples"/> is below 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="orderSamples"/> is above 1 and the model ranks in a mode other than <see cref="DecodingMode.Choice"/>.</exception>
    /// <exception cref="NotSupportedException">The model was trained with a ranking engine that has no such setting.</exception>
    /// <example>
    /// <code>
    /// var steadier = ranker.WithOrderSamples(4);   // 4 orders per step: about 4x the prompt tokens
    /// IDataView scored = steadier.Transform(testData);
    /// </code>
    /// </example>
    public IRankerTransformer WithOrderSamples(int orderSamples)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var options = IRankerModelFormat.Copy(Options);
        options.Inference.OrderSamples = orderSamples;
        var inference = ResolvedOptions.InferenceFor(options);
        return new IRankerTransformer(_host, options, _engine.WithInference(inference), EngineName);
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
        return new ScoredDataView(input, OutputColumns, ScoreRows);
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
        return _pump.RankBatches(queries, maxBatchSize, cancellationToken);
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

    // The score (and the relevance, where asked for) of every row of input, in cursor order.
    private float[][] ScoreRows(IDataView input)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var channel = _host.Start("Scoring");
        using var watch = new CancellationWatch(_host);
        var grouped = GroupedRows.Read(input, RankingColumns.Bind(input.Schema, Options, needLabel: false), Options, watch.ThrowIfCanceled);

        var results = new RankingResult[grouped.Queries.Count];
        var toRank = new List<int>();
        for (int q = 0; q < results.Length; q++)
        {
            if (grouped.Queries[q].Candidates.Count <= 1) results[q] = EngineBatchPump.WithoutModel(grouped.Queries[q]);
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

        float[][] ByRow(Func<RankingResult, float[]> perGroup)
        {
            var groups = results.Select(perGroup).ToArray();
            var values = new float[grouped.RowQuery.Length];
            for (int row = 0; row < values.Length; row++) values[row] = groups[grouped.RowQuery[row]][grouped.RowCandidate[row]];
            return [values];
        }
        return Options.RelevanceColumnName is null ? ByRow(r => r.Scores()) : [.. ByRow(r => r.Scores()), .. ByRow(r => r.Relevance())];
    }

    // Names the group and, for a candidate too long alone, its row and candidate-column text.
    private PromptTooLongException WithRow(PromptTooLongException e, GroupedRows grouped, int query)
    {
        string where = e.CandidateIndex is int candidate
            ? $"Group {grouped.GroupNames[query]}, row {grouped.RowOf(query, candidate)} (column '{Options.CandidateColumnName}')"
            : $"Group {grouped.GroupNames[query]}";
        return new PromptTooLongException(where, e);
    }
}
