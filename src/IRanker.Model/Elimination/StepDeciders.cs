using IRanker.Model.Answers;
using IRanker.Model.Step;
using static TorchSharp.torch;

namespace IRanker.Model.Elimination;

/// <summary>
/// How an elimination step decides, for a batch of lists that advance together: chosen once, when
/// <see cref="IterativeRanker"/> is built (<see cref="StepDeciders.For"/>), from <see cref="RankerOptions.Mode"/> and
/// <see cref="RankerOptions.OrderSamples"/>, or a user's <see cref="IEliminationJudge"/> (<see cref="IterativeRanker.WithJudge"/>).
/// </summary>
internal interface IStepDecider
{
    /// <summary>
    /// Decides one step of each of <paramref name="states"/> (whose step rows are <paramref name="rows"/>, in order) and
    /// eliminates; returns what the step cost. Generated answers are recorded in <paramref name="statistics"/>.
    /// </summary>
    InferenceCounters Decide(IReadOnlyList<ListState> states, IReadOnlyList<StepRow> rows, Generator? random, AnswerStatistics statistics);
}

/// <summary>The deciders of <see cref="IterativeRanker"/>, and the one Choice elimination they share.</summary>
internal static class StepDeciders
{
    /// <summary>The decider for <paramref name="options"/> over <paramref name="step"/>, or one that asks <paramref name="judge"/>.</summary>
    /// <exception cref="ArgumentException">A judge with options that are not Choice mode with one candidate order.</exception>
    public static IStepDecider For(ModelStep step, RankerOptions options, IEliminationJudge? judge)
    {
        if (judge is not null)
        {
            if (options.Mode != DecodingMode.Choice || options.OrderSamples != 1)
                throw new ArgumentException($"An IEliminationJudge decides Choice steps over one candidate order; the options ask for {options.Mode} mode with OrderSamples = {options.OrderSamples}.", nameof(options));
            return new JudgedChoice(judge, options);
        }
        if (DecodingModes.GeneratesText(options.Mode)) return new ModelAnswer(step, options);
        return options.OrderSamples > 1 ? new OrderSampledChoice(step, options) : new ModelChoice(step, options);
    }

    /// <summary>
    /// Eliminates the schedule's count of the most likely candidates of a Choice step, most likely first (ties: input
    /// order); <paramref name="logProbs"/> (per pool candidate, in pool order) is recorded once, on the first of them.
    /// </summary>
    public static void EliminateByChoice(ListState state, float[] logProbs, EliminationSchedule schedule)
    {
        var pool = state.Remaining.ToArray();
        var worstFirst = Enumerable.Range(0, pool.Length).OrderByDescending(i => logProbs[i]).ThenBy(i => i)
            .Take(Math.Min(schedule.EliminationsAt(pool.Length), state.Eliminable)).ToArray();
        for (int k = 0; k < worstFirst.Length; k++)
            state.Eliminate(pool[worstFirst[k]], "", AnswerMatch.Choice, MathF.Exp(logProbs[worstFirst[k]]), k == 0 ? logProbs : null, pool);
    }

    /// <summary>What one forward pass over <paramref name="rows"/> reads: prompt, reused and choice tokens.</summary>
    private static InferenceCounters ForwardCost(IReadOnlyList<StepRow> rows, long reused) =>
        new(1, rows.Sum(r => (long)r.Prompt.Length), reused, rows.Sum(r => (long)r.Branches.Sum(b => b.Length)), 0);

    /// <summary>The model's forward pass over <paramref name="rows"/>, keeping each list's prefix cache; counted.</summary>
    private static (StepForward Forward, InferenceCounters Cost) Forward(ModelStep step, RankerOptions options, IReadOnlyList<ListState> states, IReadOnlyList<StepRow> rows, bool keepCache)
    {
        var forward = step.Forward(rows, new StepForwardOptions(KeepPrefixes: options.ReusePrefixCache, KeepCache: keepCache));
        var cost = ForwardCost(rows, rows.Sum(r => (long)r.PastLength)) with
        {
            LargestBatchTokens = (long)rows.Count * (rows.Max(r => r.PastLength) + rows.Max(r => r.NewTokens)),
        };
        try
        {
            for (int b = 0; b < states.Count; b++) states[b].ReplaceCache(forward.Prefixes[b]);
        }
        catch
        {
            forward.Dispose();
            throw;
        }
        return (forward, cost);
    }

    /// <summary><see cref="DecodingMode.Choice"/>: one forward pass scores every remaining candidate's ID; the most likely is eliminated.</summary>
    private sealed class ModelChoice(ModelStep step, RankerOptions options) : IStepDecider
    {
        public InferenceCounters Decide(IReadOnlyList<ListState> states, IReadOnlyList<StepRow> rows, Generator? random, AnswerStatistics statistics)
        {
            var (forward, cost) = Forward(step, options, states, rows, keepCache: false);
            using (forward)
            {
                var scores = forward.BranchLogProbArrays();
                for (int b = 0; b < states.Count; b++) EliminateByChoice(states[b], ChoiceDecision.MostLikely(scores[b]).LogProbs, options.Schedule);
            }
            return cost;
        }
    }

    /// <summary>Choice mode over <see cref="RankerOptions.OrderSamples"/> orders of the pool (<see cref="OrderSampledStep"/>).</summary>
    private sealed class OrderSampledChoice(ModelStep step, RankerOptions options) : IStepDecider
    {
        public InferenceCounters Decide(IReadOnlyList<ListState> states, IReadOnlyList<StepRow> rows, Generator? random, AnswerStatistics statistics)
        {
            var (combined, cost) = OrderSampledStep.Run(step, options, states, rows);
            for (int b = 0; b < states.Count; b++) EliminateByChoice(states[b], combined[b], options.Schedule);
            return cost;
        }
    }

    /// <summary>
    /// <see cref="DecodingMode.Answer"/> and <see cref="DecodingMode.Reasoning"/>: the model writes its answer after the
    /// prompt, and the text is matched to a remaining ID (one is always eliminated).
    /// </summary>
    private sealed class ModelAnswer(ModelStep step, RankerOptions options) : IStepDecider
    {
        public InferenceCounters Decide(IReadOnlyList<ListState> states, IReadOnlyList<StepRow> rows, Generator? random, AnswerStatistics statistics)
        {
            var (forward, cost) = Forward(step, options, states, rows, keepCache: true);
            using (forward)
            {
                var outputs = step.Generate(forward, rows, options.DecodeSettings(options.StepTokens), random);
                cost += InferenceCounters.Zero with { GeneratedTokens = outputs.Sum(o => (long)o.TokenIds.Length) };
                for (int b = 0; b < states.Count; b++)
                {
                    var state = states[b];
                    var ids = state.Remaining.Select(i => state.Query.Candidates[i].Id).ToArray();
                    var match = AnswerParser.Match(DecodingModes.AnswerText(options.Mode, outputs[b].Text), ids);
                    statistics.Record(match);
                    state.Eliminate(state.Remaining[match.Index], outputs[b].Text, match.Rule, null);
                }
            }
            return cost;
        }
    }

    /// <summary>A user's <see cref="IEliminationJudge"/> scores each pool; the step eliminates by the softmax of its scores, with no model call.</summary>
    private sealed class JudgedChoice(IEliminationJudge judge, RankerOptions options) : IStepDecider
    {
        public InferenceCounters Decide(IReadOnlyList<ListState> states, IReadOnlyList<StepRow> rows, Generator? random, AnswerStatistics statistics)
        {
            var cost = ForwardCost(rows, 0);
            foreach (var state in states)
            {
                var scores = judge.Score(state.Query, state.Remaining.AsReadOnly())
                    ?? throw new InvalidOperationException($"{judge.GetType().Name}.Score returned null for a pool of {state.Remaining.Count} candidates.");
                if (scores.Length != state.Remaining.Count)
                    throw new InvalidOperationException($"{judge.GetType().Name}.Score gave {scores.Length} scores for a pool of {state.Remaining.Count} candidates.");
                if (scores.Any(s => !float.IsFinite(s)))
                    throw new InvalidOperationException($"{judge.GetType().Name}.Score gave a score that is not finite.");
                EliminateByChoice(state, ChoiceDecision.MostLikely(scores).LogProbs, options.Schedule);
            }
            return cost;
        }
    }
}
