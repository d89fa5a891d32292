using System.CommandLine;
using System.Diagnostics;
using IRanker.Cli.Data;
using IRanker.Cli.Evaluation;
using IRanker.Cli.Models;
using IRanker.Cli.Terminal;
using IRanker.MLNet;
using IRanker.MLNet.Rows;
using Microsoft.ML;

namespace IRanker.Cli.Commands;

/// <summary><c>iranker train</c>: fits a model on a file through the ML.NET trainer (<c>mlContext.Ranking.Trainers.IRanker(options)</c>) and saves the model zip.</summary>
internal sealed class TrainCommand
{
    private readonly Option<string?> _train = new("--train") { Description = "Training data: a row-per-candidate .tsv, .csv, .jsonl or .parquet file (required).", HelpName = "FILE" };
    private readonly Option<string?> _valid = new("--valid") { Description = "Validation data, evaluated with the trained model at the end (metrics as 'iranker evaluate' prints them).", HelpName = "FILE" };
    private readonly Option<string?> _model = new("--model") { Description = "Start from this model: a model zip or a Hugging Face folder. Default: the ready checkpoint where one ships, else a new model.", HelpName = "ZIP|FOLDER" };
    private readonly Option<bool> _fromScratch = new("--from-scratch") { Description = "Start from a new model trained from scratch." };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "Where to write the model zip (required).", HelpName = "ZIP" };
    private readonly DataOptions _data = new();
    private readonly SettingOptions _settings = new();

    public Command Create(CliIO io)
    {
        var command = new Command("train", """
            Train an IRanker model on your data and save it as a model zip.

            Example:
              iranker train --train train.tsv --valid valid.tsv --output model.zip --warm-start-steps 200 --rl-steps 20
            """);
        command.Options.Add(_train);
        command.Options.Add(_valid);
        command.Options.Add(_model);
        command.Options.Add(_fromScratch);
        command.Options.Add(_output);
        _settings.AddTo(command);
        _data.AddTo(command);
        command.SetAction((parse, token) => CommandGuard.RunAsync("train", io, token, () => Task.FromResult(Run(parse, io, token))));
        return command;
    }

    private int Run(ParseResult parse, CliIO io, CancellationToken cancellationToken)
    {
        if (parse.GetValue(_settings.List))
        {
            SettingOptions.WriteList(io);
            return ExitCodes.Success;
        }
        string train = parse.GetValue(_train) ?? throw CliException.Usage("--train FILE is required: the data to train on.");
        string output = parse.GetValue(_output) ?? throw CliException.Usage("--output ZIP is required: where to write the model.");
        using var source = ModelSource.Resolve(parse.GetValue(_model), parse.GetValue(_fromScratch));
        var options = _settings.Build(parse, scratch: source.Folder is null);
        options.ModelPath = source.Folder;

        var columns = _data.Columns(parse);
        var (lists, hasIds, hasTasks) = ListReader.ReadAll(train, new ListReadSettings(columns, NeedLabels: true, options.Scenario, options.Task), cancellationToken);
        List<InputList>? valid = parse.GetValue(_valid) is { } validFile
            ? ListReader.ReadAll(validFile, new ListReadSettings(columns, NeedLabels: true, options.Scenario, options.Task), cancellationToken).Lists
            : null;
        // The rows go to ML.NET as RankingRow, whose columns have the library's default names.
        options.LabelColumnName = nameof(RankingRow.Label);
        options.QueryColumnName = nameof(RankingRow.Query);
        options.CandidateColumnName = nameof(RankingRow.Candidate);
        options.RowGroupColumnName = nameof(RankingRow.GroupId);
        options.CandidateIdColumnName = hasIds ? nameof(RankingRow.CandidateId) : null;
        options.TaskColumnName = hasTasks ? nameof(RankingRow.Task) : null;

        io.Info($"Training on {lists.Count:N0} lists ({lists.Sum(l => l.Rows.Count):N0} rows) of {train}, starting from {source.Description}.");
        if (options.Training?.CheckpointFolder is { } checkpoints) io.Info($"Checkpoints: {checkpoints} (training resumes from the newest one there).");

        var mlContext = new MLContext(seed: options.Seed);
        var display = new TrainingProgressDisplay(io);
        options.TrainingProgress = display;
        IRankerTrainer trainer;
        try
        {
            trainer = mlContext.Ranking.Trainers.IRanker(options);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"the options do not fit: {e.Message}");
        }
        catch (DirectoryNotFoundException e)
        {
            throw CliException.Model(e.Message, e);
        }
        var view = mlContext.Data.LoadFromEnumerable(RankingRows.FromQueries(lists.Select(l => l.Query)));
        var clock = Stopwatch.StartNew();
        IRankerTransformer transformer;
        using (MLContextCancellation.Link(mlContext, cancellationToken))
        {
            try
            {
                transformer = display.Run(() => trainer.Fit(view));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                io.Error.WriteLine(options.Training?.CheckpointFolder is { } folder
                    ? $"iranker train: stopped; the checkpoints in {folder} are kept: run the same command again to resume."
                    : "iranker train: stopped; no model was written (give --checkpoint-dir to keep checkpoints and resume).");
                return ExitCodes.Cancelled;
            }
            catch (InvalidOperationException e)
            {
                throw CommandGuard.InFile(train, e);
            }
        }
        using (transformer)
        {
            string? folder = Path.GetDirectoryName(Path.GetFullPath(output));
            if (folder is not null) Directory.CreateDirectory(folder);
            mlContext.Model.Save(transformer, view.Schema, output);
            var model = transformer.Model;
            io.Info($"Trained in {clock.Elapsed.TotalSeconds:F1} s; saved {output}" +
                    (model is null ? "." : $" ({model.Model.ParameterCount:N0} parameters, {model.Style} prompts, {model.Layout} layout)."));
            if (valid is not null)
            {
                var rows = Evaluator.Run(transformer, valid, [], null, options.Seed, cancellationToken);
                MetricsWriter.WriteTable(io.Console, rows);
            }
        }
        return ExitCodes.Success;
    }
}
