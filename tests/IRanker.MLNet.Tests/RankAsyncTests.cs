using IRanker.MLNet.Tests.Support;
using IRanker.Model.Ranking;
using Microsoft.ML;

namespace IRanker.MLNet.Tests;

public sealed class RankAsyncTests
{
    private static IRankerTransformer Train()
    {
        var mlContext = Pipelines.Context(out _);
        return Pipelines.Ranker(Pipelines.Pipeline(mlContext, Pipelines.Options()).Fit(mlContext.Data.LoadFromEnumerable(PassageData.Rows(groups: 8, seed: 31))));
    }

    private static RankingQuery Query(string topic, params string[] texts) =>
        new($"tell me about the {topic}", texts.Select((t, i) => new RankingCandidate($"passage {i + 1}", t)).ToArray(), RankingScenario.Passage, QueryId: topic);

    private static async IAsyncEnumerable<RankingQuery> Stream(params RankingQuery[] queries)
    {
        foreach (var query in queries)
        {
            await Task.Yield();
            yield return query;
        }
    }

    [Fact]
    public async Task RankAsync_yields_each_result_in_input_order_with_the_relevant_candidate_first()
    {
        using var ranker = Train();
        var results = await ranker.RankAsync(Stream(
            Query("comet", "comet tours advertisement buy now", "comet history explained in detail by experts", "bananas are yellow and sweet"),
            Query("lonely", "the only candidate"),
            Query("reef", "a short overview of the reef", "reef souvenirs advertisement cheap"))).ToListAsync();

        results.Select(r => r.Query.QueryId).Should().Equal("comet", "lonely", "reef");
        results[0].Order.Should().Equal(1, 0, 2);
        results[0].Steps.Should().HaveCount(2, "two eliminations rank three candidates");
        results[1].Order.Should().Equal(0);
        results[1].Steps.Should().ContainSingle().Which.Match.Should().Be(AnswerMatch.LastRemaining);
        results[2].Order.Should().Equal(0, 1);
    }

    [Fact]
    public async Task Cancelling_RankAsync_stops_the_enumeration()
    {
        using var ranker = Train();
        using var cancellation = new CancellationTokenSource();
        var seen = new List<string?>();

        var enumerate = async () =>
        {
            await foreach (var result in ranker.RankAsync(Stream(Query("comet", "a", "b"), Query("reef", "a", "b"), Query("mesa", "a", "b")), cancellation.Token))
            {
                seen.Add(result.Query.QueryId);
                cancellation.Cancel();
            }
        };

        await enumerate.Should().ThrowAsync<OperationCanceledException>();
        seen.Should().Equal("comet");
    }
}
