using IRanker.Model.Answers;

namespace IRanker.Model.Training.Rewards;

/// <summary>
/// Rewards eliminating the worst remaining candidate, with graded partial credit.
/// </summary>
/// <remarks>
/// <para>Let <c>l</c> be the label of the eliminated candidate and <c>lmin</c>, <c>lmax</c> the smallest and largest
/// labels in the remaining pool:</para>
/// <list type="bullet">
/// <item><c>+1</c> when <c>l == lmin</c> (a correct elimination; also when all labels are equal);</item>
/// <item>otherwise <c>1 - (l - lmin) / (lmax - lmin)</c>: credit falls linearly with how much better the eliminated
/// candidate was, down to <c>0</c> for eliminating a best one. With binary labels this is the paper's
/// "0 for the positive, +1 for any other";</item>
/// <item><c>-0.5</c> when the answer names no remaining candidate;</item>
/// <item><c>-1</c> when the response has no <c>&lt;answer&gt;…&lt;/answer&gt;</c> block at all.</item>
/// </list>
/// <para>The answer is read as ranking reads it (<see cref="AnswerParser"/>): the content of the last complete answer
/// block, trimmed; it names a candidate by the parser's strict rules only (<see cref="AnswerParser.MatchStrict"/>: the
/// ID exactly, or after case folding, collapsing white space and removing quotes, brackets and punctuation around it),
/// never by the fuzzy or nearest fallbacks that keep a ranking step from failing. In Choice mode the chosen index is
/// used directly.</para>
/// </remarks>
/// <example><code>double r = new ExclusionReward().Score(new RewardInput(query, remaining, "", ChosenIndex: 3));</code></example>
public sealed class ExclusionReward : IRewardFunction
{
    /// <summary>Reward when the answer names no remaining candidate.</summary>
    public const double UnknownCandidate = -0.5;

    /// <summary>Reward when there is no answer block at all.</summary>
    public const double NoAnswer = -1.0;

    /// <inheritdoc/>
    public string Name => "exclusion";

    /// <inheritdoc/>
    public double Score(RewardInput input)
    {
        int? eliminated = input.ChosenIndex;
        if (eliminated is null)
        {
            var answer = AnswerParser.CompleteAnswer(input.AssistantText);
            if (answer is null) return NoAnswer;
            eliminated = FindCandidate(input.Query, input.Remaining, answer);
            if (eliminated is null) return UnknownCandidate;
        }
        else if (!input.Remaining.Contains(eliminated.Value))
        {
            return UnknownCandidate;
        }
        return Credit(input.Query, input.Remaining, eliminated.Value);
    }

    /// <summary>The graded credit of eliminating candidate <paramref name="eliminated"/> from the pool.</summary>
    public static double Credit(RankingQuery query, IReadOnlyList<int> remaining, int eliminated)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (int i in remaining)
        {
            double label = LabelOf(query, i);
            min = Math.Min(min, label);
            max = Math.Max(max, label);
        }
        double l = LabelOf(query, eliminated);
        if (l <= min || max <= min) return 1.0;
        return 1.0 - (l - min) / (max - min);
    }

    /// <summary>The remaining candidate that an answer names by the parser's strict rules, or null.</summary>
    internal static int? FindCandidate(RankingQuery query, IReadOnlyList<int> remaining, string answer) =>
        AnswerParser.MatchStrict(answer, remaining.Select(i => query.Candidates[i].Id).ToArray()) is var (index, _) ? remaining[index] : null;

    private static double LabelOf(RankingQuery query, int index) =>
        query.Candidates[index].Label
        ?? throw new ArgumentException(
            $"Candidate '{query.Candidates[index].Id}' of query '{query.QueryId ?? query.Context}' has no label; training needs a label on every candidate.");
}
