using System.Text.Json;
using IRanker.MLNet.Engine;
using IRanker.MLNet.Persistence;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Model.Training;

namespace IRanker.MLNet.Tests;

/// <summary>Every setting has one place: the nested copies of the top-level settings are never silently overridden.</summary>
public sealed class OptionsInOnePlaceTests
{
    public static TheoryData<string, Action<IRankerOptions>, string> Conflicts => new()
    {
        { "Training.WarmStartSteps", o => o.Training = new TrainingOptions { WarmStartSteps = 5 }, "*Training.WarmStartSteps is 5*IRankerOptions.WarmStartSteps is 1000*" },
        { "Training.Steps", o => o.Training = new TrainingOptions { Steps = 10 }, "*Training.Steps is 10*IRankerOptions.TrainingSteps is 200*" },
        { "Training.Seed", o => o.Training = new TrainingOptions { Seed = 7 }, "*Training.Seed is 7*IRankerOptions.Seed is 0*" },
        { "Training.Mode", o => o.Training = new TrainingOptions { Mode = DecodingMode.Answer }, "*Training.Mode is Answer*IRankerOptions.DecodingMode is Choice*" },
        { "Inference.Mode", o => o.Inference = new RankerOptions { Mode = DecodingMode.Reasoning }, "*Inference.Mode is Reasoning*IRankerOptions.DecodingMode is Choice*" },
        { "Inference.Seed", o => o.Inference = new RankerOptions { Seed = 3 }, "*Inference.Seed is 3*IRankerOptions.Seed is 0*" },
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void A_nested_copy_set_to_another_value_than_the_top_level_is_a_named_error(string name, Action<IRankerOptions> set, string message)
    {
        var options = new IRankerOptions();
        set(options);
        FluentActions.Invoking(() => ResolvedOptions.Resolve(options, scratch: true))
            .Should().Throw<ArgumentException>(name).WithMessage(message).WithMessage("*set at the top level only*");
        ResolvedOptions.NestedCopies.Should().Contain(name);
    }

    [Fact]
    public void A_nested_copy_at_its_default_or_equal_to_the_top_level_is_filled_in_from_the_top_level()
    {
        var options = new IRankerOptions
        {
            Seed = 9, DecodingMode = DecodingMode.Answer, TrainingSteps = 12, WarmStartSteps = 3,
            Training = new TrainingOptions { Seed = 9, Mode = DecodingMode.Answer, LearningRate = 1e-4 },
            Inference = new RankerOptions { MaxAnswerTokens = 8 },
        };
        var resolved = ResolvedOptions.Resolve(options, scratch: false);

        resolved.Training.Should().BeEquivalentTo(new { Seed = 9, Mode = DecodingMode.Answer, Steps = (int?)12, WarmStartSteps = 3, LearningRate = 1e-4 });
        resolved.Inference.Should().BeEquivalentTo(new { Seed = 9L, Mode = DecodingMode.Answer, MaxAnswerTokens = 8 });
        options.Training.Steps.Should().BeNull("the caller's objects are copied, never changed");
    }

    [Fact]
    public void Options_of_a_format_1_2_zip_move_their_top_level_settings_into_their_one_place()
    {
        const string old = """
            {
              "Schedule": "Fraction(0.5, 2)", "OrderSamples": 3, "TaskWeights": { "Movie": 2 }, "ShuffleCandidates": false,
              "Seed": 4, "DecodingMode": "Choice", "WarmStartSteps": null, "TrainingSteps": 6,
              "Training": { "Mode": "Answer", "Seed": 42, "Steps": null, "WarmStartSteps": 0, "ShuffleCandidates": true, "TaskWeights": null },
              "Inference": { "Mode": "Answer", "Schedule": "OnePerStep", "OrderSamples": 1, "Seed": 0, "MaxAnswerTokens": 4 }
            }
            """;
        var options = JsonSerializer.Deserialize<IRankerOptions>(IRankerModelFormat.MigrateOptionsJson(old, 0x00010002), IRankerModelFormat.Json)!;

        options.Inference.Schedule.Should().Be(EliminationSchedule.Fraction(0.5, 2), "the top-level schedule won before 1.3");
        options.Inference.OrderSamples.Should().Be(3);
        options.Inference.Mode.Should().Be(DecodingMode.Choice, "the top-level mode won over a stale nested one before 1.3");
        options.Training!.Mode.Should().Be(DecodingMode.Choice);
        options.Inference.MaxAnswerTokens.Should().Be(4);
        options.Training.TaskWeights.Should().BeEquivalentTo(new Dictionary<string, double> { ["Movie"] = 2 });
        options.Training.ShuffleCandidates.Should().BeFalse();
        options.Training.Seed.Should().Be(4);
        options.Training.Steps.Should().Be(6);
        var resolved = ResolvedOptions.Resolve(options, scratch: true);
        resolved.Inference.Schedule.Should().Be(EliminationSchedule.Fraction(0.5, 2));
        resolved.Training.WarmStartSteps.Should().Be(ResolvedOptions.ScratchWarmStartSteps);

        IRankerModelFormat.MigrateOptionsJson(old, IRankerModelFormat.SingleOptionsVersion).Should().Be(old, "newer options are read as they are");
    }

    [Fact]
    public void Options_without_training_settings_drop_the_training_only_ones_and_keep_the_rest()
    {
        const string old = """{ "Schedule": "OnePass", "TaskWeights": { "Movie": 2 }, "ShuffleCandidates": true, "Seed": 1, "DecodingMode": "Choice" }""";
        var options = JsonSerializer.Deserialize<IRankerOptions>(IRankerModelFormat.MigrateOptionsJson(old, 0x00010001), IRankerModelFormat.Json)!;
        options.Inference.Schedule.Should().Be(EliminationSchedule.OnePass);
        options.Training.Should().BeNull("a loaded model is not trained again; the scratch recipe would have decided them");
        ResolvedOptions.InferenceFor(options).Seed.Should().Be(1);
    }
}
