using IRanker.Model.Training;
using IRanker.Model.Training.Sampling;

namespace IRanker.Model.Tests.Training;

public class TrainingSamplingTests
{
    [Fact]
    public void Sub_lists_always_hold_a_best_candidate_and_vary_in_size_and_order()
    {
        var query = new SyntheticPassageTask().Queries(1, 6, seed: 3)[0];
        var random = new TrainingRandom(1);
        var sizes = new HashSet<int>();
        var firstIds = new HashSet<string>();
        for (int i = 0; i < 300; i++)
        {
            var state = SubListSampler.Draw(query, random);
            state.Remaining.Should().Equal(Enumerable.Range(0, state.Query.Candidates.Count));
            state.Query.Candidates.Should().OnlyHaveUniqueItems().And.OnlyContain(c => query.Candidates.Contains(c));
            state.Query.Candidates.Should().Contain(c => c.Label == 2f);
            sizes.Add(state.Query.Candidates.Count);
            firstIds.Add(state.Query.Candidates[0].Id);
        }
        sizes.Should().BeEquivalentTo([2, 3, 4, 5, 6]);
        firstIds.Should().HaveCount(6, "any candidate can be listed first");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void A_cap_on_the_sub_list_size_keeps_every_size_from_2_up_to_it(int cap)
    {
        var query = new SyntheticPassageTask().Queries(1, 6, seed: 3)[0];
        var random = new TrainingRandom(1);
        var sizes = new HashSet<int>();
        for (int i = 0; i < 300; i++)
        {
            var state = SubListSampler.Draw(query, random, maxSize: cap);
            state.Query.Candidates.Should().Contain(c => c.Label == 2f, "a sub-list always holds a best candidate");
            sizes.Add(state.Query.Candidates.Count);
            var steps = SubListSampler.DrawElimination(query, random, maxSize: cap);
            steps[0].Query.Candidates.Count.Should().BeInRange(2, cap);
            steps.Should().HaveCount(steps[0].Query.Candidates.Count - 1, "a sub-list of k candidates is eliminated in k - 1 steps");
        }
        sizes.Should().BeEquivalentTo(Enumerable.Range(2, cap - 1));
    }

    [Fact]
    public void A_cap_above_the_list_draws_what_no_cap_draws()
    {
        var query = new SyntheticPassageTask().Queries(1, 6, seed: 3)[0];
        var (a, b) = (new TrainingRandom(5), new TrainingRandom(5));
        for (int i = 0; i < 50; i++)
            SubListSampler.Draw(query, a, maxSize: 10).Query.Candidates.Should().Equal(SubListSampler.Draw(query, b).Query.Candidates);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(0)]
    public void A_cap_below_2_is_refused_with_the_option_named(int cap)
    {
        var act = () => new TrainingOptions { MaxSubListSize = cap }.Validate();
        act.Should().Throw<ArgumentException>().WithMessage("*MaxSubListSize*");
    }

    [Fact]
    public void Without_shuffling_sub_lists_keep_the_input_order()
    {
        var query = new SyntheticPassageTask().Queries(1, 6, seed: 3)[0];
        var random = new TrainingRandom(2);
        for (int i = 0; i < 50; i++)
        {
            var ids = SubListSampler.Draw(query, random, shuffle: false).Query.Candidates.Select(c => query.Candidates.ToList().IndexOf(c)).ToList();
            ids.Should().BeInAscendingOrder();
        }
    }

    [Fact]
    public void The_training_random_generator_continues_identically_from_a_saved_state()
    {
        var a = new TrainingRandom(42);
        for (int i = 0; i < 10; i++) a.NextULong();
        var b = TrainingRandom.FromState(a.State);
        Enumerable.Range(0, 20).Select(_ => a.NextInt(1000)).Should().Equal(Enumerable.Range(0, 20).Select(_ => b.NextInt(1000)));
        new TrainingRandom(42).NextULong().Should().NotBe(new TrainingRandom(43).NextULong());
    }

    [Fact]
    public void Categorical_draws_follow_the_probabilities()
    {
        var random = new TrainingRandom(7);
        var counts = new int[3];
        for (int i = 0; i < 20000; i++) counts[random.Categorical([0.2, 0.0, 0.8])]++;
        counts[1].Should().Be(0);
        (counts[0] / 20000.0).Should().BeApproximately(0.2, 0.015);
    }

    [Theory]
    [InlineData(LearningRateSchedule.Constant, 0, 0.5)]
    [InlineData(LearningRateSchedule.Constant, 9, 1.0)]
    [InlineData(LearningRateSchedule.Linear, 1, 1.0)]
    [InlineData(LearningRateSchedule.Linear, 7, 0.5)]
    [InlineData(LearningRateSchedule.Linear, 11, 0.1)]
    [InlineData(LearningRateSchedule.Cosine, 7, 0.5)]
    public void The_step_size_warms_up_linearly_then_follows_the_schedule(LearningRateSchedule schedule, int step, double expected)
    {
        // peak 1, 2 warm-up steps, 12 steps: decay over steps 2..11 (10 steps)
        LearningRateScheduler.At(1.0, step, 12, 2, schedule).Should().BeApproximately(expected, 1e-12);
    }
}
