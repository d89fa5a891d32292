using System.Text.Json;
using IRanker.MLNet.Data;
using IRanker.MLNet.Engine;
using IRanker.MLNet.Persistence;
using IRanker.Model;
using IRanker.Model.Runtime;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;

namespace IRanker.MLNet;

/// <summary>
/// The IRanker trainer: fits a language model that ranks each group of rows by eliminating the worst candidate,
/// one step at a time, and learns from the labels by reinforcement learning.
/// Create it with <see cref="IRankerCatalog.IRanker(RankingCatalog.RankingTrainers, IRankerOptions)"/>.
/// </summary>
/// <remarks>
/// <format type="text/markdown"><![CDATA[
/// ### Input and output columns
/// The input rows are grouped by the group column; each group is one list to rank. Groups need not be
/// contiguous, but `mlContext.Ranking.Evaluate` needs them contiguous (sorted by group).
///
/// | Input column name | Column type | Description |
/// | -- | -- | -- |
/// | `Label` | <xref:System.Single> (0..4) or [key](xref:Microsoft.ML.Data.KeyDataViewType) | Graded relevance, higher is better. Read by `Fit` only. |
/// | `Query` | [text](xref:Microsoft.ML.Data.TextDataViewType) | The context of the list (a search query, a user's history); the same on every row of a group. |
/// | `Candidate` | [text](xref:Microsoft.ML.Data.TextDataViewType) | The candidate (a passage, an item title, an LLM name). Repeats are allowed. |
/// | `GroupId` | [key](xref:Microsoft.ML.Data.KeyDataViewType) or <xref:System.UInt32> | The list the row belongs to. Map text IDs with `MapValueToKey`. |
/// | (optional) candidate ID | [text](xref:Microsoft.ML.Data.TextDataViewType) | The name the model sees and answers with; see `IRankerOptions.CandidateIdColumnName`. |
///
/// | Output column name | Column type | Description |
/// | -- | -- | -- |
/// | `Score` | <xref:System.Single> | For a group of N rows, N for the survivor of the elimination, down to 1 for the first eliminated. Higher is better. |
///
/// ### Trainer characteristics
/// | | |
/// | -- | -- |
/// | Machine learning task | Ranking |
/// | Is normalization required? | No |
/// | Is caching required? | No (the rows are read once) |
/// | Required NuGet in addition to Microsoft.ML | IRanker.MLNet |
/// | Exportable to ONNX | No |
///
/// The transformer ranks whole groups, so it is not a row-to-row mapper: use `Transform` or
/// `IRankerTransformer.RankAsync`, not a `PredictionEngine`.
/// ]]></format>
/// </remarks>
/// <example>
/// <code>
/// var mlContext = new MLContext(seed: 0);
/// var data = mlContext.Data.LoadFromTextFile&lt;Row&gt;("train.tsv", hasHeader: true);
/// var pipeline = mlContext.Transforms.Conversion.MapValueToKey("GroupId")
///     .Append(mlContext.Ranking.Trainers.IRanker(new IRankerOptions { Scenario = RankingScenario.Passage }));
/// var model = pipeline.Fit(data);
/// var metrics = mlContext.Ranking.Evaluate(model.Transform(data));
/// mlContext.Model.Save(model, data.Schema, "ranker.zip");
/// </code>
/// </example>
public sealed class IRankerTrainer : IEstimator<IRankerTransformer>
{
    private readonly IHost _host;
    private readonly IRankerOptions _options;

    internal IRankerTrainer(IHostEnvironment env, IRankerOptions options)
    {
        Validate(options);
        _host = env.Register(nameof(IRankerTrainer));
        _options = options;
    }

    /// <summary>Checks the input columns and returns the output: the input columns plus the score (<see cref="float"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type; the message names it.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        RankingColumns.Check(inputSchema, _options, needLabel: true);
        var outputs = _options.RelevanceColumnName is { } relevance ? new[] { _options.ScoreColumnName, relevance } : [_options.ScoreColumnName];
        return new SchemaShape(inputSchema
            .Where(c => !outputs.Contains(c.Name))
            .Concat(outputs.Select(MLNetInternals.ScalarSingleColumn)));
    }

    /// <summary>Reads and groups the rows, checks them, and trains the ranking model.</summary>
    /// <param name="input">Labelled rows: label, query, candidate and group columns.</param>
    /// <returns>The transformer that scores rows by ranking their groups.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or has the wrong type.</exception>
    /// <exception cref="InvalidOperationException">A row is invalid (a label out of 0..4, a group with two query texts, …); the message names it.</exception>
    /// <exception cref="OperationCanceledException"><c>MLContext.CancelExecution()</c> was called.</exception>
    public IRankerTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var columns = RankingColumns.Bind(input.Schema, _options, needLabel: true);
        IRankingEngineFactory factory = RankingEngines.ForTraining(_options);

        using var channel = _host.Start("Training");
        using var watch = new CancellationWatch(_host);
        watch.ThrowIfCanceled();
        var grouped = GroupedRows.Read(input, columns, _options, watch.ThrowIfCanceled);
        var train = grouped.Queries.Where(q => q.Candidates.Count >= 2).ToArray();
        channel.Info(MessageSensitivity.None,
            $"IRanker: {grouped.RowQuery.Length} rows in {grouped.Queries.Count} groups; training on the {train.Length} groups with two or more candidates " +
            $"({grouped.Queries.Count - train.Length} group(s) of one candidate left out: nothing to eliminate).");
        if (grouped.RowQuery.Length == 0)
            throw new InvalidOperationException(
                "IRanker needs at least one group with two or more candidates to learn from, but the training data has no rows. " +
                "Check that the data view was loaded from the intended file and that no filter removed every row.");
        if (train.Length == 0)
            throw new InvalidOperationException(
                $"IRanker needs at least one group with two or more candidates to learn from; group column '{columns.Group.Name}' puts every one of the {grouped.RowQuery.Length} rows in a group of its own.");

        IRankingEngine engine;
        try
        {
            engine = factory.Train(train, _options, new ChannelProgress(channel), watch.Token);
        }
        catch (OperationCanceledException) when (watch.Token.IsCancellationRequested)
        {
            throw new OperationCanceledException("Operation was canceled.", watch.Token);
        }
        channel.Info(MessageSensitivity.None, "IRanker: training finished.");
        return new IRankerTransformer(_host, Copy(_options), engine, factory.Name);
    }

    private static IRankerOptions Copy(IRankerOptions options)
    {
        var copy = IRankerModelFormat.Copy(options);
        copy.EngineFactory = options.EngineFactory;
        return copy;
    }

    private static void Validate(IRankerOptions options)
    {
        void Name(string? value, string option)
        {
            if (string.IsNullOrWhiteSpace(value))
                throw new ArgumentException($"{nameof(IRankerOptions)}.{option} must name a column.", nameof(options));
        }

        Name(options.LabelColumnName, nameof(IRankerOptions.LabelColumnName));
        Name(options.QueryColumnName, nameof(IRankerOptions.QueryColumnName));
        Name(options.CandidateColumnName, nameof(IRankerOptions.CandidateColumnName));
        Name(options.RowGroupColumnName, nameof(IRankerOptions.RowGroupColumnName));
        Name(options.ScoreColumnName, nameof(IRankerOptions.ScoreColumnName));
        if (options.RelevanceColumnName is not null)
        {
            Name(options.RelevanceColumnName, nameof(IRankerOptions.RelevanceColumnName));
            if (options.RelevanceColumnName == options.ScoreColumnName)
                throw new ArgumentException($"{nameof(IRankerOptions)}.{nameof(IRankerOptions.RelevanceColumnName)} and {nameof(IRankerOptions.ScoreColumnName)} are both '{options.ScoreColumnName}'; give the two output columns different names, or set RelevanceColumnName to null.", nameof(options));
        }
        if (options.CandidateIdColumnName is not null) Name(options.CandidateIdColumnName, nameof(IRankerOptions.CandidateIdColumnName));
        if (options.WarmStartSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.WarmStartSteps)} must be 0 or more, not {options.WarmStartSteps}.");
        if (options.TrainingSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(options), $"{nameof(IRankerOptions)}.{nameof(IRankerOptions.TrainingSteps)} must be 0 or more, not {options.TrainingSteps}.");
        if (options.ModelPath is { } path && !Directory.Exists(path))
            throw new DirectoryNotFoundException($"{nameof(IRankerOptions)}.{nameof(IRankerOptions.ModelPath)} '{path}' is not a folder; give a Hugging Face model folder (config.json, model.safetensors, tokenizer files) or null.");
        if (options.TaskColumnName is not null) Name(options.TaskColumnName, nameof(IRankerOptions.TaskColumnName));
        ArgumentNullException.ThrowIfNull(options.Inference, $"{nameof(options)}.{nameof(IRankerOptions.Inference)}");
        ResolvedOptions.Resolve(options, scratch: options.ModelPath is null);
        DeviceSpec.Parse(options.Device);
    }
}
