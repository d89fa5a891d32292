using IRanker.Model.Elimination;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Elimination;

/// <summary>A judge written outside the library ranks through <see cref="IterativeRanker.WithJudge"/>, the public extension point.</summary>
public class EliminationJudgeTests
{
    /// <summary>The documentation's example: eliminates the candidate whose text shares the fewest words with the query.</summary>
    private sealed class WordOverlapJudge : IEliminationJudge
    {
        public List<int[]> Pools { get; } = [];

        public float[] Score(RankingQuery query, IReadOnlyList<int> pool)
        {
            Pools.Add([.. pool]);
            var words = query.Context.Split(' ').ToHashSet(StringComparer.OrdinalIgnoreCase);
            return pool.Select(c => -(float)query.Candidates[c].Text.Split(' ').Count(words.Contains)).ToArray();
        }
    }

    private static RankingQuery Paints() => new("a green wall paint for a small kitchen",
    [
        new("red", "red roof tiles"),
        new("green", "a green wall paint for the kitchen"),
        new("blue", "blue wall paint"),
        new("white", "a white wall paint for a small kitchen"),
        new("black", "black ink"),
    ], QueryId: "paints");

    [Fact]
    public void A_user_written_judge_ranks_through_the_library_loop_and_the_model_weights_do_not_matter()
    {
        using var model = Random(seed: 1);
        using var other = Random(seed: 2);
        var judge = new WordOverlapJudge();

        var ranker = IterativeRanker.WithJudge(model, judge);
        var result = ranker.Rank([Paints()]).Single();
        var again = IterativeRanker.WithJudge(other, new WordOverlapJudge()).Rank([Paints()]).Single();

        // overlaps with the query: white 7, green 6 ("a", "green", "wall", "paint", "for", "kitchen"), blue 2, red 0, black 0.
        result.Order.Select(i => result.Query.Candidates[i].Id).Should().Equal("white", "green", "blue", "black", "red");
        again.Order.Should().Equal(result.Order, "a judge takes the place of the model's forward pass");
        judge.Pools.Select(p => p.Length).Should().Equal(5, 4, 3, 2);
        result.Steps.Take(4).Should().OnlyContain(s => s.Match == AnswerMatch.Choice && s.LogProbs != null, "the fifth is the last one left");
        result.Steps[0].Confidence.Should().BeApproximately(MathF.Exp(result.Steps[0].LogProbs![0]), 1e-6f, "red and black tie and red, first in input order, goes");
        result.Relevance().Should().HaveCount(5);
        ranker.LastCounters.ForwardBatches.Should().Be(4);
        ranker.LastCounters.GeneratedTokens.Should().Be(0);
        ranker.LastCounters.ReusedTokens.Should().Be(0);
    }

    [Fact]
    public void A_judge_that_gives_the_wrong_number_of_scores_is_named()
    {
        using var model = Random();
        var ranker = IterativeRanker.WithJudge(model, new ShortJudge());

        var rank = () => ranker.Rank([Paints()]);

        rank.Should().Throw<InvalidOperationException>().WithMessage("ShortJudge.Score gave 1 scores for a pool of 5 candidates.");
    }

    private sealed class ShortJudge : IEliminationJudge
    {
        public float[] Score(RankingQuery query, IReadOnlyList<int> pool) => [1f];
    }

    [Fact]
    public void The_ranker_keeps_a_copy_of_its_options_so_how_a_step_decides_cannot_change_after_it_is_built()
    {
        using var model = Random();
        var options = new RankerOptions();
        var ranker = new IterativeRanker(model, options);

        options.Mode = DecodingMode.Answer;

        ranker.Options.Mode.Should().Be(DecodingMode.Choice);
        ranker.Options.Should().NotBeSameAs(options);
    }
}
