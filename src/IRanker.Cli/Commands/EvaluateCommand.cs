using System.CommandLine;
using IRanker.Cli.Data;
using IRanker.Cli.Evaluation;
using IRanker.Cli.Models;

namespace IRanker.Cli.Commands;

/// <summary><c>iranker evaluate</c>: NDCG@1/3/5/10, MRR and Hit@1/3/5 of a model on labelled lists, per task and overall, beside baselines.</summary>
internal sealed class EvaluateCommand
{
    private readonly Option<string?> _model = new("--model", "-m") { Description = "The model zip (required).", HelpName = "ZIP" };
    private readonly Option<string?> _data = new("--data", "-d") { Description = "Labelled lists to evaluate on: .tsv, .csv, .jsonl or .parquet (required).", HelpName = "FILE" };
    private readonly Option<string?> _baselines = new("--baselines") { Description = "Baselines to rank the same lists with, comma-separated: random, bm25.", HelpName = "LIST" };
    private readonly Option<string?> _train = new("--train") { Description = "Training lists for a LightGBM LambdaMART baseline (BM25, word overlap, length, position features).", HelpName = "FILE" };
    private readonly Option<string> _format = new("--format") { Description = "table (default), json or csv.", DefaultValueFactory = _ => "table", HelpName = "FORMAT" };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "Write the metrics to this file instead of standard output.", HelpName = "FILE" };
    private readonly Option<int> _seed = new("--seed") { Description = "Seed of the random baseline and LightGBM (default 0).", DefaultValueFactory = _ => 0 };
    private readonly ModelScenario _scenario = new();
    private readonly DataOptions _columns = new();

    public Command Create(CliIO io)
    {
        var command = new Command("evaluate", """
            Rank labelled lists with a model and report NDCG@1/3/5/10, MRR and Hit@1/3/5 per task and overall (×100 in the table).

            Example:
              iranker evaluate --model model.zip --data test.tsv --baselines random,bm25 --train train.tsv --format table
            """);
        foreach (var option in new Option[] { _model, _data, _baselines, _train, _format, _output, _seed }) command.Options.Add(option);
        _scenario.AddTo(command);
        _columns.AddTo(command);
        command.SetAction((parse, token) => CommandGuard.RunAsync("evaluate", io, token, () => RunAsync(parse, io, token)));
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CliIO io, CancellationToken cancellationToken)
    {
        string modelPath = parse.GetValue(_model) ?? throw CliException.Usage("--model ZIP is required.");
        string data = parse.GetValue(_data) ?? throw CliException.Usage("--data FILE is required: labelled lists to evaluate on.");
        string format = parse.GetValue(_format)!.ToLowerInvariant();
        if (format is not ("table" or "json" or "csv")) throw CliException.Usage($"--format {format}: choose table, json or csv.");
        var baselines = (parse.GetValue(_baselines) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(b => b.ToLowerInvariant()).Distinct().ToArray();
        foreach (var name in baselines)
            if (!Evaluator.UntrainedBaselines.Contains(name))
                throw CliException.Usage($"--baselines: unknown baseline '{name}'; choose from {string.Join(", ", Evaluator.UntrainedBaselines)} (LightGBM: --train FILE).");

        using var model = ModelFiles.Load(modelPath);
        var columns = _columns.Columns(parse);
        var settings = _scenario.Settings(parse, model, columns, needLabels: true);
        var lists = ListReader.ReadAll(data, settings, cancellationToken).Lists;
        var lightGbm = parse.GetValue(_train) is { } train
            ? ListReader.ReadAll(train, settings, cancellationToken).Lists.Select(l => l.Query).ToArray()
            : null;
        var rows = Evaluator.Run(model.Transformer, lists, baselines, lightGbm, parse.GetValue(_seed), cancellationToken);

        string? output = parse.GetValue(_output);
        if (format == "table" && output is null)
        {
            MetricsWriter.WriteTable(io.Console, rows);
            return ExitCodes.Success;
        }
        string text = format switch
        {
            "json" => MetricsWriter.ToJson(rows) + "\n",
            "csv" => MetricsWriter.ToCsv(rows),
            _ => throw CliException.Usage("--format table writes to the terminal; use --format json or csv with --output."),
        };
        if (output is null) io.Out.Write(text);
        else
        {
            await File.WriteAllTextAsync(output, text, cancellationToken).ConfigureAwait(false);
            io.Info($"Wrote {output}.");
        }
        return ExitCodes.Success;
    }
}
