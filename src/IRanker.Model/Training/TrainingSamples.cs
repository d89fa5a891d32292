using IRanker.Model.Prompts;
using IRanker.Model.Step;
using IRanker.Model.Training.Rewards;
using IRanker.Model.Training.Rollouts;
using IRanker.Model.Training.Sampling;

namespace IRanker.Model.Training;

/// <summary>
/// Draws what one training step learns from, with the trainer's random source and query stream: single-step sub-lists,
/// packed sub-list eliminations, and on-policy trajectories (one step per trainer step, or rolled out to the end and
/// packed), each state with the row it is scored on.
/// </summary>
internal sealed class TrainingSamples(ModelStep step, TrainingOptions options, TrainerProgress progress, EliminationRewards rewards)
{
    /// <summary>Whether samples are packed eliminations: asked for, in Choice mode, with append-only prompts.</summary>
    public bool Packs => options.PackEliminations && options.Mode == DecodingMode.Choice && step.Layout == PromptLayout.AppendOnly;

    /// <summary>The step row of a state: its prompt (within <see cref="TrainingOptions.MaxPromptTokens"/>) and, in Choice mode, its candidates.</summary>
    public StepRow Row(EliminationState state)
    {
        var prompt = step.Prompt(state.Query, state.Remaining, state.History, options.Mode);
        TrainingOptions.CheckPromptLength(state.Query, state.Remaining.Count, prompt.Length, options.MaxPromptTokens);
        return step.Row(state.Query, state.Remaining, options.Mode, prompt);
    }

    /// <summary>
    /// The warm start's batch of <paramref name="count"/> lists: packed eliminations where they apply, else single steps,
    /// each with the candidate its supervised answer eliminates (single steps only: packed samples are Choice mode,
    /// whose loss takes every worst candidate).
    /// </summary>
    public (EliminationState[] States, StepPlace[] Places, int[]? Targets) WarmStartBatch(IReadOnlyList<RankingQuery> train, int count)
    {
        if (Packs)
        {
            var (states, places) = Packed(train, count);
            return (states, places, null);
        }
        var random = progress.Random;
        var single = Enumerable.Range(0, count).Select(_ => SubList(train)).ToArray();
        var targets = single.Select(s => s.Worst()).Select(w => w[random.NextInt(w.Count)]).ToArray();
        return (single, single.Select(s => new StepPlace(Row(s), 0)).ToArray(), targets);
    }

    /// <summary>
    /// The states of one accumulation round of reinforcement learning, each with its row:
    /// <see cref="TrainingOptions.PromptsPerStep"/> lists, from on-policy trajectories and sub-lists as
    /// <see cref="TrainingOptions.Samples"/> says. Where <see cref="TrainingOptions.PackEliminations"/> applies,
    /// sub-lists are eliminated to the end on the teacher's path and trajectories are rolled out to the end now (their
    /// groups come with their answers), each packed into rows.
    /// </summary>
    /// <param name="train">The training lists.</param>
    /// <param name="round">The accumulation round (it picks the trajectory slots).</param>
    /// <param name="rolloutTokens">Tokens the rollouts of packed trajectories ran.</param>
    public List<RolloutGroup> ReinforcementRound(IReadOnlyList<RankingQuery> train, int round, out long rolloutTokens)
    {
        rolloutTokens = 0;
        int n = options.PromptsPerStep;
        int fromTrajectories = options.Samples switch
        {
            SampleSource.Trajectories => n,
            SampleSource.Mixed => n / 2,
            _ => 0,
        };
        var groups = new List<RolloutGroup>(n);
        if (Packs)
        {
            if (fromTrajectories > 0) groups.AddRange(PackedTrajectories(train, fromTrajectories, out rolloutTokens));
            var (states, places) = Packed(train, n - fromTrajectories);
            groups.AddRange(states.Select((s, i) => new RolloutGroup(s, places[i].Row, [], places[i].Point)));
            return groups;
        }
        for (int i = 0; i < fromTrajectories; i++)
        {
            var state = progress.Trajectories.Current(round * n + i, train, progress.Stream!, progress.Random, options.ShuffleCandidates);
            groups.Add(new RolloutGroup(state, Row(state), []));
        }
        for (int i = fromTrajectories; i < n; i++)
        {
            var state = SubList(train);
            groups.Add(new RolloutGroup(state, Row(state), []));
        }
        return groups;
    }

    /// <summary>A single-step sub-list sample of the next list of the stream.</summary>
    private EliminationState SubList(IReadOnlyList<RankingQuery> train) =>
        SubListSampler.Draw(train[progress.Stream!.Next(progress.Random)], progress.Random, options.ShuffleCandidates, step.Layout, options.MaxSubListSize);

    /// <summary><paramref name="count"/> whole sub-list eliminations: every step of each, in packed rows.</summary>
    private (EliminationState[] States, StepPlace[] Places) Packed(IReadOnlyList<RankingQuery> train, int count)
    {
        var states = new List<EliminationState>();
        var places = new List<StepPlace>();
        for (int i = 0; i < count; i++)
        {
            var steps = SubListSampler.DrawElimination(train[progress.Stream!.Next(progress.Random)], progress.Random, options.ShuffleCandidates, options.MaxSubListSize);
            states.AddRange(steps);
            places.AddRange(PackedElimination.Places(step, steps, options.PackTokens, options.MaxPromptTokens));
        }
        return ([.. states], [.. places]);
    }

    /// <summary>
    /// <paramref name="count"/> on-policy trajectories, rolled out now: each drawn list starts with all its candidates,
    /// every step samples its group of choices from the current policy and removes the first one, to the end; then each
    /// trajectory's steps are packed into rows for the loss.
    /// </summary>
    private List<RolloutGroup> PackedTrajectories(IReadOnlyList<RankingQuery> train, int count, out long tokens)
    {
        tokens = 0;
        var random = progress.Random;
        var walks = new List<(RankingQuery Query, int[] Order, int[] First, int Steps, List<RolloutGroup> Groups)>();
        for (int i = 0; i < count; i++)
        {
            var query = train[progress.Stream!.Next(random)];
            var order = Enumerable.Range(0, query.Candidates.Count).ToArray();
            if (options.ShuffleCandidates) random.Shuffle(order);
            walks.Add((query, order, step.Prompt(query, order, DecodingMode.Choice), query.Candidates.Count - 1, []));
        }
        // The walks advance together, one rollout batch per step; each state's prompt continues its list's first prompt.
        while (walks.Any(w => w.Groups.Count < w.Steps))
        {
            var active = walks.Where(w => w.Groups.Count < w.Steps).ToList();
            var batch = active.Select(w =>
            {
                var history = w.Groups.Select(g => g.Answers[0].Chosen!.Value).ToArray();
                var state = new EliminationState(w.Query, w.Order.Except(history).ToArray(), Eliminated: history);
                var prompt = step.Prompt(state.Query, state.Remaining, state.History, DecodingMode.Choice, w.First);
                return new RolloutGroup(state, step.Row(state.Query, state.Remaining, DecodingMode.Choice, prompt), []);
            }).ToList();
            tokens += ChoiceRollouts.Sample(step, batch, options, rewards, random);
            for (int i = 0; i < active.Count; i++) active[i].Groups.Add(batch[i]);
        }
        var packed = new List<RolloutGroup>(count);
        foreach (var walk in walks)
        {
            var places = PackedElimination.Places(step, walk.Groups.Select(g => g.State).ToArray(), options.PackTokens, options.MaxPromptTokens);
            packed.AddRange(walk.Groups.Select((g, i) => g with { State = g.State with { Weight = 1.0 / walk.Steps }, Row = places[i].Row, Point = places[i].Point }));
        }
        return packed;
    }
}
