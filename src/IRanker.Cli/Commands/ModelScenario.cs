using System.CommandLine;
using IRanker.Cli.Data;
using IRanker.Cli.Models;
using IRanker.MLNet;
using IRanker.Model;

namespace IRanker.Cli.Commands;

/// <summary><c>--scenario</c> and <c>--task</c> for ranking: by default those the model was trained with (saved in its zip).</summary>
internal sealed class ModelScenario
{
    public Option<RankingScenario?> Scenario { get; } = new("--scenario")
    {
        Description = "Prompt template of lists whose task names none (default: the model's own).",
    };

    public Option<string?> Task { get; } = new("--task") { Description = "Task of lists without a Task value (default: the model's own).", HelpName = "TASK" };

    public void AddTo(Command command)
    {
        command.Options.Add(Scenario);
        command.Options.Add(Task);
    }

    public ListReadSettings Settings(ParseResult parse, LoadedModel model, ColumnNames columns, bool needLabels)
    {
        var scenario = parse.GetValue(Scenario)
            ?? (Enum.TryParse<RankingScenario>(model.Saved(nameof(IRankerOptions.Scenario)), ignoreCase: true, out var saved) ? saved : RankingScenario.Generic);
        string? task = parse.GetValue(Task) ?? model.Saved(nameof(IRankerOptions.Task));
        return new ListReadSettings(columns, needLabels, scenario, task);
    }
}
