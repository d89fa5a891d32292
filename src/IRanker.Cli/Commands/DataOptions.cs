using System.CommandLine;
using IRanker.Cli.Data;

namespace IRanker.Cli.Commands;

/// <summary>The flags that name a data file's columns, shared by the verbs that read data.</summary>
internal sealed class DataOptions
{
    private static readonly ColumnNames Defaults = new();

    public Option<string> Group { get; } = Column("--group-column", Defaults.GroupId, "the list (group) each row belongs to");
    public Option<string> Query { get; } = Column("--query-column", Defaults.Query, "the query (context), the same on every row of a group");
    public Option<string> Candidate { get; } = Column("--candidate-column", Defaults.Candidate, "the candidate's text");
    public Option<string> Id { get; } = Column("--id-column", Defaults.CandidateId, "the candidate's ID (optional column)");
    public Option<string> Label { get; } = Column("--label-column", Defaults.Label, "graded relevance 0..4 (needed to train and evaluate)");
    public Option<string> Task { get; } = Column("--task-column", Defaults.Task, "each group's task (optional column)");

    public void AddTo(Command command)
    {
        foreach (var option in new[] { Group, Query, Candidate, Id, Label, Task }) command.Options.Add(option);
    }

    public ColumnNames Columns(ParseResult parse) => new(
        parse.GetValue(Group)!, parse.GetValue(Query)!, parse.GetValue(Candidate)!, parse.GetValue(Id)!, parse.GetValue(Label)!, parse.GetValue(Task)!);

    private static Option<string> Column(string flag, string name, string what) => new(flag)
    {
        Description = $"Column with {what} (default {name}).",
        DefaultValueFactory = _ => name,
        HelpName = "NAME",
    };
}
