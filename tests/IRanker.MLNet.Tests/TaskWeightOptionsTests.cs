using System.Text.Json;
using IRanker.MLNet.Engine;
using IRanker.MLNet.Persistence;
using IRanker.Model.Training;

namespace IRanker.MLNet.Tests;

public sealed class TaskWeightOptionsTests
{
    [Fact]
    public void Task_weights_reach_the_trainer_over_those_in_the_training_options_and_survive_the_saved_options()
    {
        var options = new IRankerOptions
        {
            TaskWeights = new Dictionary<string, double> { ["Passage-5"] = 3, ["Movie"] = 0.5 },
            Training = new TrainingOptions { TaskWeights = new Dictionary<string, double> { ["Cost"] = 2 } },
        };

        var training = ResolvedOptions.Resolve(options, scratch: true).Training;
        training.TaskWeights.Should().BeEquivalentTo(new Dictionary<string, double> { ["Passage-5"] = 3, ["Movie"] = 0.5 });
        training.TaskWeights.Should().NotBeSameAs(options.TaskWeights, "the trainer gets its own copy");

        var saved = JsonSerializer.Deserialize<IRankerOptions>(JsonSerializer.Serialize(options, IRankerModelFormat.Json), IRankerModelFormat.Json)!;
        saved.TaskWeights.Should().BeEquivalentTo(options.TaskWeights);
    }

    [Fact]
    public void Without_task_weights_the_training_options_keep_their_own()
    {
        var own = new Dictionary<string, double> { ["Cost"] = 2 };
        var training = ResolvedOptions.Resolve(new IRankerOptions { Training = new TrainingOptions { TaskWeights = own } }, scratch: false).Training;
        training.TaskWeights.Should().BeEquivalentTo(own);
    }
}
