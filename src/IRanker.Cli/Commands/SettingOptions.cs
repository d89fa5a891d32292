using System.CommandLine;
using IRanker.Cli.Options;
using IRanker.MLNet;
using Spectre.Console;

namespace IRanker.Cli.Commands;

/// <summary>The flags that set <see cref="IRankerOptions"/>: <c>--options FILE</c>, <c>--set Name=Value</c> and the common settings' own flags.</summary>
internal sealed class SettingOptions
{
    public Option<string?> File { get; } = new("--options")
    {
        Description = "JSON options file: an object shaped like IRankerOptions, e.g. {\"TrainingSteps\": 50, \"Training\": {\"LearningRate\": 0.0003}}.",
        HelpName = "FILE",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "Any option by name, repeatable: --set Training.GroupSize=4 --set Inference.TokenBudget=8192 (list: --list-options).",
        HelpName = "NAME=VALUE",
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<bool> List { get; } = new("--list-options") { Description = "List every option --set and --options accept, with its type, and exit." };

    private readonly List<(NamedSetting Setting, Option<string?> Option)> _named =
        OptionSettings.Named.Select(n => (n, new Option<string?>(n.Flag) { Description = n.Description, HelpName = "VALUE" })).ToList();

    public void AddTo(Command command)
    {
        command.Options.Add(File);
        command.Options.Add(Set);
        foreach (var (_, option) in _named) command.Options.Add(option);
        command.Options.Add(List);
    }

    /// <summary>The options the command line asks for (file, then --set, then named flags).</summary>
    public IRankerOptions Build(ParseResult parse, bool scratch, IEnumerable<(string Path, string? Value, string Where)>? extra = null)
    {
        var settings = new List<(string, string?, string)>();
        foreach (var assignment in parse.GetValue(Set) ?? [])
        {
            var (path, value) = OptionSettings.ParseAssignment(assignment);
            settings.Add((path, value, $"--set {assignment}"));
        }
        foreach (var (setting, option) in _named)
            if (parse.GetResult(option) is { Implicit: false } && parse.GetValue(option) is { } value) settings.Add((setting.Path, value, $"{setting.Flag} {value}"));
        if (extra is not null) settings.AddRange(extra);
        return OptionSettings.Build(parse.GetValue(File), settings, scratch);
    }

    /// <summary>Writes every settable option and its type.</summary>
    public static void WriteList(CliIO io)
    {
        var table = new Table().AddColumn("option").AddColumn("type").AddColumn("flag");
        foreach (var (path, type) in OptionSettings.AllSettings())
        {
            string flag = OptionSettings.Named.FirstOrDefault(n => n.Path == path)?.Flag ?? "";
            table.AddRow(Markup.Escape(path), Markup.Escape(OptionSettings.Describe(type)), flag);
        }
        io.Console.Write(table);
        io.Info("Set any of them with --set NAME=VALUE or in a JSON file given to --options; meanings and defaults: docs/options.md.");
    }
}
