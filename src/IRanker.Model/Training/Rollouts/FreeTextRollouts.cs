using IRanker.Model.Answers;
using IRanker.Model.Step;
using IRanker.Model.Training.Rewards;
using static TorchSharp.torch;

namespace IRanker.Model.Training.Rollouts;

/// <summary>Answer and Reasoning modes: samples each state's group of answers as text, through the elimination step's decoder.</summary>
internal static class FreeTextRollouts
{
    /// <summary>Adds <see cref="TrainingOptions.GroupSize"/> sampled answers, parsed and rewarded, to each group; returns the tokens run.</summary>
    public static long Sample(ModelStep step, IReadOnlyList<RolloutGroup> groups, TrainingOptions options, EliminationRewards rewards, TrainingRandom random)
    {
        using var noGrad = no_grad();
        var rows = groups.SelectMany(g => Enumerable.Repeat(g.Row, options.GroupSize)).ToList();
        var settings = new DecodeSettings(options.MaxResponseTokens, Sample: true, Temperature: options.Temperature);
        using var generator = new Generator(random.NextULong() >> 1, step.Model.Device);
        var answers = new GeneratedAnswer[rows.Count];
        long tokens = 0;
        for (int start = 0; start < rows.Count; start += options.MicroBatchSize)
        {
            var chunk = rows.Skip(start).Take(options.MicroBatchSize).ToList();
            using var forward = step.Forward(chunk, new StepForwardOptions(KeepCache: true));
            step.Generate(forward, chunk, settings, generator).CopyTo(answers, start);
            tokens += chunk.Sum(r => (long)r.NewTokens);
        }
        for (int i = 0; i < answers.Length; i++)
        {
            var group = groups[i / options.GroupSize];
            var input = new RewardInput(group.State.Query, group.State.Remaining, answers[i].Text, null, options.Mode);
            var answerText = AnswerParser.CompleteAnswer(input.AssistantText);
            int[] action = answers[i].StopTokenId is int stop ? [.. answers[i].TokenIds, stop] : answers[i].TokenIds;
            tokens += action.Length;
            group.Answers.Add(new RolloutAnswer
            {
                Tokens = action,
                Eliminated = answerText is null ? null : ExclusionReward.FindCandidate(group.State.Query, group.State.Remaining, answerText),
                Reward = rewards.Score(input),
            });
        }
        return tokens;
    }
}
