using IRanker.Model.Step;
using IRanker.Model.Training.Rewards;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Rollouts;

/// <summary>Choice mode: samples each state's group of eliminations from the step's distribution over its candidates.</summary>
internal static class ChoiceRollouts
{
    /// <summary>Adds <see cref="TrainingOptions.GroupSize"/> sampled choices, rewarded, to each group; returns the tokens run.</summary>
    public static long Sample(ModelStep step, IReadOnlyList<RolloutGroup> groups, TrainingOptions options, EliminationRewards rewards, TrainingRandom random)
    {
        using var noGrad = no_grad();
        long tokens = 0;
        foreach (var chunk in MicroBatcher.PlanRows(groups.Select(g => g.Row).ToArray(), options.MicroBatchSize))
        {
            using var scope = NewDisposeScope();
            var batch = chunk.Select(i => groups[i]).ToArray();
            var forward = step.Forward(batch.Select(g => g.Place).ToArray(), PolicyLosses.ForwardOptions(options, promptLoss: false), out var steps);
            tokens += forward.NewTokens;
            var logps = ModelStep.ChoiceLogProbs(forward, options.Temperature);             // per step [m]
            for (int k = 0; k < batch.Length; k++)
            {
                var state = batch[k].State;
                var probs = logps[steps[k]].exp().to_type(ScalarType.Float64).cpu().data<double>().ToArray();
                for (int g = 0; g < options.GroupSize; g++)
                {
                    int chosen = state.Remaining[random.Categorical(probs)];
                    batch[k].Answers.Add(new RolloutAnswer
                    {
                        Chosen = chosen,
                        Eliminated = chosen,
                        Reward = rewards.Score(new RewardInput(state.Query, state.Remaining, "", chosen, DecodingMode.Choice)),
                    });
                }
            }
        }
        return tokens;
    }
}
