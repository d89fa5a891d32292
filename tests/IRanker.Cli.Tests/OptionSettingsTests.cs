using System.Reflection;
using System.Text.Json.Serialization;
using IRanker.Cli.Options;
using IRanker.Cli.Tests.Support;
using IRanker.MLNet;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Training;

namespace IRanker.Cli.Tests;

public class OptionSettingsTests
{
    private static IRankerOptions Build(bool scratch, params (string Path, string? Value)[] settings) =>
        OptionSettings.Build(null, settings.Select(s => (s.Path, s.Value, $"--set {s.Path}={s.Value}")), scratch);

    [Fact]
    public void Every_named_flag_sets_an_option_that_exists()
    {
        var paths = OptionSettings.AllSettings().Select(s => s.Path).ToHashSet();
        foreach (var named in OptionSettings.Named) paths.Should().Contain(named.Path, $"{named.Flag} must name a real option");
    }

    [Fact]
    public void Every_public_setting_of_the_three_options_classes_is_reachable()
    {
        var paths = OptionSettings.AllSettings().Select(s => s.Path).ToHashSet();
        paths.Should().Contain(["TrainingSteps", "Seed", "DecodingMode", "Inference.Schedule", "Training.LearningRate", "Training.CheckpointFolder", "Inference.TokenBudget"]);
        // Every setting that a model zip saves (members marked [JsonIgnore], such as reward objects, are code, not settings).
        static bool Saved(PropertyInfo p) => p.SetMethod?.IsPublic == true && p.GetCustomAttribute<JsonIgnoreAttribute>() is null;
        // ... except the nested copies of the top-level settings, which are set at the top level only.
        string[] topLevelOnly = ["Training.WarmStartSteps", "Training.Steps", "Training.Seed", "Training.Mode", "Inference.Mode", "Inference.Seed"];
        foreach (var property in typeof(TrainingOptions).GetProperties().Where(Saved))
            if (!topLevelOnly.Contains($"Training.{property.Name}")) paths.Should().Contain($"Training.{property.Name}");
        foreach (var property in typeof(RankerOptions).GetProperties().Where(Saved))
            if (!topLevelOnly.Contains($"Inference.{property.Name}")) paths.Should().Contain($"Inference.{property.Name}");
        paths.Should().NotContain(topLevelOnly, "one place per setting");
        paths.Should().NotContain("QueryColumnName", "columns are named with the --*-column flags");
    }

    [Fact]
    public void Values_are_converted_to_the_option_types()
    {
        var options = Build(true, ("TrainingSteps", "7"), ("decodingmode", "answer"), ("Inference.Schedule", "Fraction(0.5, 2)"), ("WarmStartSteps", "null"),
            ("Inference.TokenBudget", "4096"), ("Training.TaskWeights", "{\"Movie\": 2}"), ("Task", "Movie"));
        options.TrainingSteps.Should().Be(7);
        options.DecodingMode.Should().Be(DecodingMode.Answer);
        options.Inference.Schedule.Should().Be(EliminationSchedule.Fraction(0.5, 2));
        options.WarmStartSteps.Should().BeNull();
        options.Inference.TokenBudget.Should().Be(4096);
        options.Training!.TaskWeights.Should().ContainKey("Movie").WhoseValue.Should().Be(2);
        options.Task.Should().Be("Movie");
    }

    [Fact]
    public void A_training_setting_keeps_the_rest_of_the_from_scratch_recipe()
    {
        var untouched = TrainingRecipe.For(scratch: true);
        var options = Build(true, ("Training.CheckpointFolder", "/tmp/checkpoints"));
        options.Training!.CheckpointFolder.Should().Be("/tmp/checkpoints");
        options.Training.LearningRate.Should().Be(untouched.LearningRate).And.NotBe(new TrainingOptions().LearningRate);
        options.Training.KlCoefficient.Should().Be(untouched.KlCoefficient);
        Build(false, ("Training.GroupSize", "4")).Training!.LearningRate.Should().Be(new TrainingOptions().LearningRate, "a checkpoint starts from the trainer's defaults");
    }

    [Theory]
    [InlineData("TrainingStep", "3", "unknown option 'TrainingStep'")]
    [InlineData("Training.NoSuchThing", "3", "unknown option 'Training.NoSuchThing'")]
    [InlineData("TrainingSteps", "many", "not a valid integer")]
    [InlineData("DecodingMode", "Telepathy", "is not a valid DecodingMode (")]
    [InlineData("QueryColumnName", "q", "--query-column")]
    [InlineData("ModelPath", "/models/x", "--model")]
    public void Wrong_settings_are_usage_errors_that_name_the_setting(string path, string value, string expected)
    {
        var act = () => Build(true, (path, value));
        act.Should().Throw<CliException>().Where(e => e.ExitCode == ExitCodes.Usage && e.Message.Contains(expected));
    }

    [Fact]
    public void An_options_file_is_read_and_its_unknown_names_are_errors_naming_the_file()
    {
        using var folder = new TempFolder();
        string good = folder.File("good.json"), bad = folder.File("bad.json");
        File.WriteAllText(good, """{ "TrainingSteps": 3, "Training": { "GroupSize": 4 }, "Inference": { "ReusePrefixCache": false } }""");
        File.WriteAllText(bad, """{ "Training": { "GroupSizes": 4 } }""");
        var options = OptionSettings.Build(good, [("Seed", "5", "--seed 5")], scratch: true);
        options.TrainingSteps.Should().Be(3);
        options.Training!.GroupSize.Should().Be(4);
        options.Inference.ReusePrefixCache.Should().BeFalse();
        options.Seed.Should().Be(5);
        var act = () => OptionSettings.Build(bad, [], scratch: true);
        act.Should().Throw<CliException>().Where(e => e.ExitCode == ExitCodes.Usage && e.Message.Contains(bad) && e.Message.Contains("Training.GroupSizes"));
    }

    [Fact]
    public void The_command_line_reports_an_unknown_flag_with_exit_code_2()
    {
        var result = Command.Run("train", "--train", "x.tsv", "--output", "m.zip", "--rl-stepz", "3");
        result.ExitCode.Should().Be(ExitCodes.Usage, result.ToString());
        result.Error.Should().Contain("--rl-stepz");
    }

    [Theory]
    [InlineData("train")]
    [InlineData("evaluate")]
    [InlineData("rank")]
    [InlineData("serve")]
    [InlineData("convert")]
    [InlineData("info")]
    public void Every_verb_has_help_with_an_example(string verb)
    {
        var result = Command.Run(verb, "--help");
        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("Example").And.Contain($"iranker {verb}");
    }

    [Fact]
    public void List_options_prints_every_setting()
    {
        var result = Command.Run("train", "--list-options");
        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().Contain("Training.LearningRate").And.Contain("Inference.TokenBudget").And.Contain("--rl-steps");
    }
}
