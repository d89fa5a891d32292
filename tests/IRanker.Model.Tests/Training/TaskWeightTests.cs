using IRanker.Model.Modeling;
using IRanker.Model.Runtime;
using IRanker.Model.Text;
using IRanker.Model.Training;
using IRanker.Model.Training.Sampling;

namespace IRanker.Model.Tests.Training;

public class TaskWeightTests
{
    [Fact]
    public void A_weighted_stream_draws_each_query_in_proportion_to_its_weight()
    {
        var stream = new QueryStream([2.0, 0.0, 0.5, 1.0]);
        var random = new TrainingRandom(5);
        var counts = new int[4];
        for (int i = 0; i < 35_000; i++) counts[stream.Next(random)]++;
        counts[1].Should().Be(0, "weight 0 is never drawn");
        (counts[0] / (double)counts[3]).Should().BeApproximately(2.0, 0.05);
        (counts[2] / (double)counts[3]).Should().BeApproximately(0.5, 0.05);
    }

    [Fact]
    public void Weights_of_one_draw_exactly_what_an_unweighted_stream_draws()
    {
        var plain = new QueryStream(5);
        var ones = new QueryStream([1.0, 1.0, 1.0, 1.0, 1.0]);
        var (a, b) = (new TrainingRandom(9), new TrainingRandom(9));
        Enumerable.Range(0, 40).Select(_ => ones.Next(b)).Should().Equal(Enumerable.Range(0, 40).Select(_ => plain.Next(a)));
    }

    [Fact]
    public void A_task_of_weight_zero_is_never_trained_on()
    {
        var (train, tokenizer, model) = TwoTasks();
        var seen = new HashSet<string?>();
        string Prompt(RankingQuery query, IReadOnlyList<int> remaining)
        {
            seen.Add(query.Task);
            return SyntheticPassageTask.Prompt(query, remaining);
        }
        var options = new TrainingOptions
        {
            WarmStartSteps = 3, WarmStartBatchSize = 8, Steps = 0, TaskWeights = new Dictionary<string, double> { ["B"] = 0 },
        };
        new EliminationTrainer(model, tokenizer, Prompt, options).WarmStart(train);
        seen.Should().Equal("A");
    }

    [Fact]
    public void A_weight_for_a_task_the_data_does_not_have_is_named_with_the_tasks_it_has()
    {
        var (train, tokenizer, model) = TwoTasks();
        var options = new TrainingOptions { WarmStartSteps = 1, Steps = 0, TaskWeights = new Dictionary<string, double> { ["Passage-S"] = 2 } };
        var act = () => new EliminationTrainer(model, tokenizer, SyntheticPassageTask.Prompt, options).WarmStart(train);
        act.Should().Throw<ArgumentException>().WithMessage("*'Passage-S'*'A', 'B'*");
    }

    [Fact]
    public void Weights_that_leave_nothing_to_train_on_are_rejected()
    {
        var (train, tokenizer, model) = TwoTasks();
        var options = new TrainingOptions { WarmStartSteps = 1, Steps = 0, TaskWeights = new Dictionary<string, double> { ["A"] = 0, ["B"] = 0 } };
        var act = () => new EliminationTrainer(model, tokenizer, SyntheticPassageTask.Prompt, options).WarmStart(train);
        act.Should().Throw<ArgumentException>().WithMessage("*weight 0*positive weight*");
    }

    [Fact]
    public void A_negative_weight_is_named_in_the_error_and_clones_do_not_share_weights()
    {
        var options = new TrainingOptions { TaskWeights = new Dictionary<string, double> { ["Movie"] = -1 } };
        var act = options.Validate;
        act.Should().Throw<ArgumentException>().WithMessage("*TrainingOptions.TaskWeights[\"Movie\"] is -1*");

        var clone = options.Clone();
        clone.TaskWeights!["Movie"] = 2;
        options.TaskWeights["Movie"].Should().Be(-1);
    }

    private static (List<RankingQuery> Train, CompactTokenizer Tokenizer, Qwen2ForCausalLM Model) TwoTasks()
    {
        TorchRuntime.EnsureInitialized();
        var task = new SyntheticPassageTask();
        var queries = task.Queries(8, 3, seed: 4);
        var train = queries.Select((q, i) => q with { Task = i % 2 == 0 ? "A" : "B" }).ToList();
        var tokenizer = CompactTokenizer.Build(task.Corpus(train));
        return (train, tokenizer, new Qwen2ForCausalLM(Qwen2Config.Tiny(tokenizer.VocabSize)));
    }
}
