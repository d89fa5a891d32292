using IRanker.Model.Elimination;
using static IRanker.Model.Tests.Elimination.TinyRankerModels;

namespace IRanker.Model.Tests.Elimination;

public class DirectRankerTests
{
    [Fact]
    public void Whatever_the_model_writes_the_result_is_a_repaired_permutation()
    {
        using var model = Random(seed: 9);
        var queries = MixedQueries();

        var results = new DirectRanker(model, new RankerOptions { MaxDirectTokens = 12 }).Rank(queries);

        for (int q = 0; q < queries.Count; q++)
        {
            int n = queries[q].Candidates.Count;
            var result = results[q];
            result.Order.Should().BeEquivalentTo(Enumerable.Range(0, n));
            result.Steps.Select(s => s.Eliminated).Reverse().Should().Equal(result.Order);
            result.Steps[^1].Match.Should().Be(AnswerMatch.LastRemaining);
            // Candidates appended by the repair come last, in input order.
            var appended = result.Order.Where((_, rank) => result.Steps[n - 1 - rank].Match == AnswerMatch.Nearest).ToList();
            appended.Should().BeInAscendingOrder();
            if (n > 1) result.Steps[0].ModelOutput.Should().NotBeEmpty();
        }
    }

    [Fact]
    public void IDs_the_model_names_keep_its_order_and_the_rest_are_appended()
    {
        // The model always writes "blue": blue is ranked first, the other candidates follow in input order.
        using var model = WithFixedPreferences(new Dictionary<string, float> { ["blue"] = 30 });
        var query = ColourQuery("paint for a kitchen", 2, 4, 1, 3);   // green, white, blue, black

        var result = new DirectRanker(model, new RankerOptions { MaxDirectTokens = 1 }).Rank([query]).Single();

        result.Steps[0].ModelOutput.Should().Be("blue");
        result.Order.Should().Equal(2, 0, 1, 3);
        result.Steps.Select(s => s.Match).Should().Equal(AnswerMatch.Nearest, AnswerMatch.Nearest, AnswerMatch.Nearest, AnswerMatch.LastRemaining);
    }
}
