using System.CommandLine;
using IRanker.Cli.Models;
using IRanker.MLNet;
using IRanker.MLNet.Rows;
using Microsoft.ML;

namespace IRanker.Cli.Commands;

/// <summary><c>iranker convert</c>: a model zip to a Hugging Face folder, or a Hugging Face folder to a model zip.</summary>
internal sealed class ConvertCommand
{
    private readonly Argument<string> _input = new("input") { Description = "A model zip, or a Hugging Face model folder (config.json, model.safetensors, tokenizer files)." };
    private readonly Option<string?> _output = new("--output", "-o") { Description = "The folder (from a zip) or the zip (from a folder) to write (required).", HelpName = "PATH" };
    private readonly SettingOptions _settings = new();

    public Command Create(CliIO io)
    {
        var command = new Command("convert", """
            Convert a model zip to a Hugging Face folder (config.json, model.safetensors, tokenizer, IRanker's settings), or a
            folder to a model zip that the other verbs, ML.NET and the server load. From a folder, the ranking options
            (--mode, --set Inference.Schedule=..., --set Inference.TokenBudget=...) are saved in the zip.

            Examples:
              iranker convert model.zip --output model-hf
              iranker convert model-hf --output model-again.zip
            """);
        command.Arguments.Add(_input);
        command.Options.Add(_output);
        _settings.AddTo(command);
        command.SetAction((parse, token) => CommandGuard.RunAsync("convert", io, token, () => Task.FromResult(Run(parse, io))));
        return command;
    }

    private int Run(ParseResult parse, CliIO io)
    {
        if (parse.GetValue(_settings.List))
        {
            SettingOptions.WriteList(io);
            return ExitCodes.Success;
        }
        string input = parse.GetValue(_input)!;
        string output = parse.GetValue(_output) ?? throw CliException.Usage("--output PATH is required.");
        if (File.Exists(input))
        {
            if (File.Exists(output)) throw CliException.Usage($"--output {output}: a file; a zip converts to a folder.");
            using var model = ModelFiles.Load(input);
            ModelFiles.SaveFolder(model, output);
            io.Info($"Wrote the Hugging Face folder {output} ({Directory.GetFiles(output).Length} files).");
            return ExitCodes.Success;
        }
        if (!Directory.Exists(input)) throw CliException.Model($"{input}: no such model zip or folder.");
        if (!File.Exists(Path.Combine(input, "config.json")))
            throw CliException.Model($"{input}: a folder without config.json; give a Hugging Face model folder or a model zip.");
        FolderToZip(parse, input, output);
        io.Info($"Wrote the model zip {output}.");
        return ExitCodes.Success;
    }

    // The ML.NET trainer with no training steps loads the folder as it is and returns its transformer, which saves as any
    // trained model. Fit needs one list to read; this placeholder is only read, never trained on.
    private void FolderToZip(ParseResult parse, string folder, string output)
    {
        var options = _settings.Build(parse, scratch: false);
        options.ModelPath = folder;
        options.WarmStartSteps = 0;
        options.TrainingSteps = 0;
        options.CandidateIdColumnName = null;
        options.TaskColumnName = null;
        var mlContext = new MLContext(seed: options.Seed);
        IRankerTrainer trainer;
        try
        {
            trainer = mlContext.Ranking.Trainers.IRanker(options);
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage($"the options do not fit: {e.Message}");
        }
        var placeholder = new List<RankingRow>
        {
            new() { GroupId = 1, Query = "query", Candidate = "first candidate", Label = 1 },
            new() { GroupId = 1, Query = "query", Candidate = "second candidate", Label = 0 },
        };
        var view = mlContext.Data.LoadFromEnumerable(placeholder);
        IRankerTransformer transformer;
        try
        {
            transformer = trainer.Fit(view);
        }
        catch (Exception e) when (e is InvalidOperationException or IOException or FormatException or System.Text.Json.JsonException)
        {
            throw CliException.Model($"{folder}: the folder cannot be loaded as a model ({e.Message}).", e);
        }
        using (transformer)
        {
            string? parent = Path.GetDirectoryName(Path.GetFullPath(output));
            if (parent is not null) Directory.CreateDirectory(parent);
            mlContext.Model.Save(transformer, view.Schema, output);
        }
    }
}
