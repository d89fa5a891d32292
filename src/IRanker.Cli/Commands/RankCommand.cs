using System.CommandLine;
using System.Diagnostics;
using IRanker.Cli.Data;
using IRanker.Cli.Models;
using IRanker.Cli.Output;

namespace IRanker.Cli.Commands;

/// <summary><c>iranker rank</c>: writes every row's rank and relevance, reading and ranking one group at a time.</summary>
internal sealed class RankCommand
{
    private readonly Option<string?> _model = new("--model", "-m") { Description = "The model zip (required).", HelpName = "ZIP" };
    private readonly Option<string?> _data = new("--data", "-d") { Description = "Lists to rank: .tsv, .csv, .jsonl or .parquet; labels are not needed (required).", HelpName = "FILE" };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "Where to write the rows with Rank and Relevance added; the format follows the extension (required).", HelpName = "FILE" };
    private readonly Option<string> _rankColumn = new("--rank-column") { Description = "Name of the added rank column (default Rank).", DefaultValueFactory = _ => RankedRowWriter.DefaultRankColumn, HelpName = "NAME" };
    private readonly Option<string> _relevanceColumn = new("--relevance-column") { Description = "Name of the added relevance column (default Relevance).", DefaultValueFactory = _ => RankedRowWriter.DefaultRelevanceColumn, HelpName = "NAME" };
    private readonly ModelScenario _scenario = new();
    private readonly DataOptions _columns = new();

    public Command Create(CliIO io)
    {
        var command = new Command("rank", """
            Rank every group of a file and write each row with its Rank (1 = best in its group) and Relevance (the model's
            probability that the row is the best of its group). Streams: memory does not grow with the file.

            Example:
              iranker rank --model model.zip --data candidates.tsv --output ranked.tsv
            """);
        foreach (var option in new Option[] { _model, _data, _output, _rankColumn, _relevanceColumn }) command.Options.Add(option);
        _scenario.AddTo(command);
        _columns.AddTo(command);
        command.SetAction((parse, token) => CommandGuard.RunAsync("rank", io, token, () => RunAsync(parse, io, token)));
        return command;
    }

    private async Task<int> RunAsync(ParseResult parse, CliIO io, CancellationToken cancellationToken)
    {
        string modelPath = parse.GetValue(_model) ?? throw CliException.Usage("--model ZIP is required.");
        string data = parse.GetValue(_data) ?? throw CliException.Usage("--data FILE is required: the lists to rank.");
        string output = parse.GetValue(_output) ?? throw CliException.Usage("--output FILE is required: where to write the ranked rows.");
        if (Path.GetFullPath(output) == Path.GetFullPath(data)) throw CliException.Usage("--output must not be the --data file.");
        DataFormats.Of(output);

        using var model = ModelFiles.Load(modelPath);
        using var source = DataFormats.Open(data);
        var reader = new ListReader(source, _scenario.Settings(parse, model, _columns.Columns(parse), needLabels: false));
        var clock = Stopwatch.StartNew();
        long lists = 0, rows = 0;
        await using (var writer = new RankedRowWriter(output, source.Columns, parse.GetValue(_rankColumn)!, parse.GetValue(_relevanceColumn)!))
        {
            foreach (var (list, result) in ListRanking.Rank(model.Transformer, reader.Lists(cancellationToken), cancellationToken))
            {
                await writer.WriteAsync(list.Rows, result.Order, result.Relevance()).ConfigureAwait(false);
                lists++;
                rows += list.Rows.Count;
                if (!io.Interactive && lists % 1000 == 0) io.Info($"{lists:N0} lists ranked...");
            }
        }
        io.Info($"Ranked {lists:N0} lists ({rows:N0} rows) in {clock.Elapsed.TotalSeconds:F1} s; wrote {output}.");
        return ExitCodes.Success;
    }
}
