using IRanker.Evaluation.Baselines;
using IRanker.Model;

namespace IRanker.Evaluation.Tests.Baselines;

public class Bm25RankerTests
{
    // Three candidates whose ID is their text, so each document is the text alone.
    private static readonly RankingQuery ApplePie = new("Apple pie?",
    [
        new("apple pie apple", "apple pie apple", 1),
        new("banana bread", "banana bread", 0),
        new("apple", "apple", 0),
    ], RankingScenario.Passage);

    [Fact]
    public void Scores_match_the_hand_computed_formula_with_list_statistics()
    {
        // N = 3, avgdl = 2; IDF(apple) = ln(1 + 1.5/2.5) = 0.470004, IDF(pie) = ln(1 + 2.5/1.5) = 0.980829.
        // d1: |d|/avgdl = 1.5, K = 1.2 * (0.25 + 0.75 * 1.5) = 1.65;
        //     apple 0.470004 * 2 * 2.2 / 3.65 + pie 0.980829 * 2.2 / 2.65 = 1.380853.
        // d3: |d|/avgdl = 0.5, K = 0.75; apple 0.470004 * 2.2 / 1.75 = 0.590862.
        var scores = new Bm25Ranker().Score(ApplePie);

        scores[0].Should().BeApproximately(1.380853f, 1e-5f);
        scores[1].Should().Be(0f);
        scores[2].Should().BeApproximately(0.590862f, 1e-5f);
    }

    [Fact]
    public void Rank_orders_by_score_descending()
    {
        var result = new Bm25Ranker().Rank([ApplePie])[0];

        result.Order.Should().Equal(0, 2, 1);
        result.Query.Should().BeSameAs(ApplePie);
        result.Steps.Should().BeEmpty();
    }

    [Fact]
    public void A_fixed_corpus_supplies_idf_and_average_length()
    {
        // Corpus of 4 documents, 9 terms: avgdl = 2.25, n(apple) = 2, IDF = ln(1 + 2.5/2.5) = ln 2.
        // Document "apple": K = 1.2 * (0.25 + 0.75 / 2.25) = 0.7; score = ln 2 * 2.2 / 1.7 = 0.897014.
        var bm25 = new Bm25Ranker(["apple pie apple", "banana bread", "apple", "cherry pie tart"]);

        var scores = bm25.Score(ApplePie);

        scores[2].Should().BeApproximately(0.897014f, 1e-5f);
    }

    [Fact]
    public void Ties_keep_the_input_order()
    {
        var query = new RankingQuery("zebra", [new("b", "b"), new("a", "a"), new("c", "c")]);

        new Bm25Ranker().Rank([query])[0].Order.Should().Equal(0, 1, 2);
    }

    [Fact]
    public void The_candidate_id_is_part_of_the_document()
    {
        var query = new RankingQuery("orion", [new("Atlas-8B", "cheap"), new("Orion-405B", "expensive")]);

        new Bm25Ranker().Rank([query])[0].Order.Should().Equal(1, 0);
    }

    [Fact]
    public void Out_of_range_parameters_are_rejected()
    {
        var act = () => new Bm25Ranker(b: 1.5);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("b");
    }
}
