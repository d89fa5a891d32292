using System.Text.Json;
using IRanker.MLNet.Engine;
using IRanker.MLNet.Persistence;
using IRanker.Model.Training;

namespace IRanker.MLNet.Tests;

public sealed class TaskWeightOptionsTests
{
    [Fact]
    public void Task_weights_reach_the_trainer_as_a_copy_and_survive_the_saved_options()
    {
        var weights = new Dictionary<string, double> { ["Passage-5"] = 3, ["Movie"] = 0.5 };
        var options = new IRankerOptions { Training = new TrainingOptions { TaskWeights = weights } };

        var training = ResolvedOptions.Resolve(options, scratch: false).Training;
        training.TaskWeights.Should().BeEquivalentTo(weights);
        training.TaskWeights.Should().NotBeSameAs(weights, "the trainer gets its own copy");

        var saved = JsonSerializer.Deserialize<IRankerOptions>(JsonSerializer.Serialize(options, IRankerModelFormat.Json), IRankerModelFormat.Json)!;
        saved.Training!.TaskWeights.Should().BeEquivalentTo(weights);
    }

    [Fact]
    public void The_scratch_recipe_takes_task_weights_and_keeps_the_rest_of_its_settings()
    {
        var training = IRankerOptions.ScratchTrainingDefaults();
        training.TaskWeights = new Dictionary<string, double> { ["Cost"] = 2 };
        var resolved = ResolvedOptions.Resolve(new IRankerOptions { Training = training }, scratch: true).Training;
        var plain = ResolvedOptions.Resolve(new IRankerOptions(), scratch: true).Training;

        resolved.TaskWeights.Should().BeEquivalentTo(training.TaskWeights);
        resolved.LearningRate.Should().Be(plain.LearningRate);
        resolved.ShuffleCandidates.Should().Be(plain.ShuffleCandidates).And.BeFalse("the scratch recipe keeps the data's order");
        resolved.WarmStartSteps.Should().Be(plain.WarmStartSteps);
    }
}
