using IRanker.Model.Elimination;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Elimination;

public class IterativeRankerChoiceTests
{
    [Fact]
    public void The_most_likely_ID_is_eliminated_and_the_reverse_elimination_order_is_the_ranking()
    {
        // red is the model's favourite answer, then blue, green, black; white never.
        var logits = new Dictionary<string, float> { ["red"] = 4, ["blue"] = 3, ["green"] = 2, ["black"] = 1 };
        using var model = WithFixedPreferences(logits);
        var query = ColourQuery("paint for a kitchen", 2, 4, 0, 3, 1);   // green, white, red, black, blue

        var result = new IterativeRanker(model).Rank([query]).Single();

        result.Steps.Select(s => query.Candidates[s.Eliminated].Id).Should().Equal("red", "blue", "green", "black", "white");
        result.Order.Select(i => query.Candidates[i].Id).Should().Equal("white", "black", "green", "blue", "red");
        result.Steps.Take(4).Should().AllSatisfy(s => s.Match.Should().Be(AnswerMatch.Choice));
        result.Steps[^1].Match.Should().Be(AnswerMatch.LastRemaining);
        result.Scores().Should().Equal(3f, 5f, 1f, 4f, 2f);   // green, white, red, black, blue

        // Step 0 chooses among all five: softmax of the logits 4, 3, 2, 1, 0 (the closing tag costs every ID the same).
        double total = new[] { 4.0, 3, 2, 1, 0 }.Sum(Math.Exp);
        result.Steps[0].Confidence!.Value.Should().BeApproximately((float)(Math.Exp(4) / total), 1e-4f);
        // The last model step chooses between black (1) and white (0).
        result.Steps[3].Confidence!.Value.Should().BeApproximately((float)(Math.Exp(1) / (Math.Exp(1) + 1)), 1e-4f);
    }

    [Fact]
    public void Every_list_of_one_to_nine_candidates_gets_a_valid_permutation()
    {
        using var model = Random();
        var queries = MixedQueries();

        var results = new IterativeRanker(model).Rank(queries);

        results.Should().HaveCount(queries.Count);
        for (int q = 0; q < queries.Count; q++)
        {
            int n = queries[q].Candidates.Count;
            results[q].Query.Should().BeSameAs(queries[q]);
            results[q].Order.Should().BeEquivalentTo(Enumerable.Range(0, n));
            results[q].Steps.Should().HaveCount(n);
            results[q].Steps[^1].Match.Should().Be(AnswerMatch.LastRemaining);
            if (n == 1) continue;
            results[q].Steps.SkipLast(1).Should().AllSatisfy(s =>
            {
                s.Match.Should().Be(AnswerMatch.Choice);
                s.Confidence.Should().BeInRange(1f / n, 1f);
            });
        }
    }

    [Fact]
    public void A_list_of_one_candidate_is_ranked_without_asking_the_model()
    {
        using var model = Random();
        var query = ColourQuery("just one", 4);

        var result = new IterativeRanker(model).Rank([query]).Single();

        result.Order.Should().Equal(0);
        result.Steps.Should().ContainSingle().Which.Should().Be(new EliminationStep(0, 0, "", AnswerMatch.LastRemaining));
    }

    [Fact]
    public void A_cancelled_token_stops_the_ranking_between_steps()
    {
        using var model = Random();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        var act = () => new IterativeRanker(model).Rank(MixedQueries(), cancel.Token);

        act.Should().Throw<OperationCanceledException>();
    }
}
