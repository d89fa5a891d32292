using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using IRanker.Cli.Models;
using Spectre.Console;

namespace IRanker.Cli.Commands;

/// <summary><c>iranker info</c>: what a model zip holds: digests, parameters, shape, prompt template and layout, and its options.</summary>
internal sealed class InfoCommand
{
    private readonly Argument<string> _model = new("model") { Description = "A model zip." };
    private readonly Option<string> _format = new("--format") { Description = "text (default) or json.", DefaultValueFactory = _ => "text", HelpName = "FORMAT" };

    public Command Create(CliIO io)
    {
        var command = new Command("info", """
            Show what a model zip holds: its SHA-256 digests, parameters, shape, prompt style, template and layout, its
            ranking settings and the options it was trained with. Loading it checks every stored file against its digest.

            Example:
              iranker info model.zip --format json
            """);
        command.Arguments.Add(_model);
        command.Options.Add(_format);
        command.SetAction((parse, token) => CommandGuard.RunAsync("info", io, token, () => Task.FromResult(Run(parse, io))));
        return command;
    }

    private int Run(ParseResult parse, CliIO io)
    {
        string path = parse.GetValue(_model)!;
        string format = parse.GetValue(_format)!.ToLowerInvariant();
        if (format is not ("text" or "json")) throw CliException.Usage($"--format {format}: choose text or json.");
        using var model = ModelFiles.Load(path);
        var ranker = model.Transformer.Model;
        var inference = model.Transformer.InferenceOptions;
        var facts = new JsonObject
        {
            ["file"] = path,
            ["bytes"] = new FileInfo(path).Length,
            ["sha256"] = ModelZipInspector.FileDigest(path),
            ["contentDigest"] = ModelZipInspector.ContentDigest(path),
        };
        if (ranker is not null)
        {
            var config = ranker.Model.Config;
            facts["parameters"] = ranker.Model.ParameterCount;
            facts["vocabulary"] = ranker.Tokenizer.VocabSize;
            facts["layers"] = config.NumHiddenLayers;
            facts["hiddenSize"] = config.HiddenSize;
            facts["attentionHeads"] = config.NumAttentionHeads;
            facts["maxPositions"] = config.MaxPositionEmbeddings;
            facts["promptStyle"] = ranker.Style.ToString();
            facts["template"] = ranker.Template?.GetType().Name ?? $"built-in ({ranker.Style} style, per scenario)";
            facts["layout"] = ranker.Layout.ToString();
            facts["device"] = ranker.Device.ToString();
        }
        facts["mode"] = inference.Mode.ToString();
        facts["schedule"] = inference.Schedule.ToString();
        facts["orderSamples"] = inference.OrderSamples;
        facts["tokenBudget"] = inference.TokenBudget;
        facts["options"] = model.SavedOptions.DeepClone();

        if (format == "json")
        {
            io.Out.WriteLine(facts.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return ExitCodes.Success;
        }
        var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn("");
        table.ShowHeaders = false;
        foreach (var (name, value) in facts)
            if (name != "options") table.AddRow(Markup.Escape(name), Markup.Escape(Display(value)));
        io.Console.Write(table);
        io.Info("Options it was trained with:");
        io.Out.WriteLine(ModelZipInspector.Pretty(model.SavedOptions));
        return ExitCodes.Success;
    }

    private static string Display(JsonNode? value) => value switch
    {
        null => "-",
        JsonValue v when v.TryGetValue(out long l) => l.ToString("N0", CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
