using IRanker.MLNet.Tests.Support;
using IRanker.Model;
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

    [Fact]
    public async Task Queries_that_arrive_while_the_model_is_busy_are_ranked_together_and_come_back_in_order()
    {
        var queries = Enumerable.Range(0, 7).Select(i => Query($"topic{i}", $"a {i}", $"b {i}", $"c {i}")).ToArray();
        var sourceDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var engine = new RecordingEngine(firstCallWaitsFor: sourceDone.Task);
        using var ranker = new IRankerTransformer(new MLContext(seed: 1), Pipelines.Options(), engine, "recording");

        async IAsyncEnumerable<RankingQuery> Source()
        {
            foreach (var query in queries)
            {
                await Task.Yield();
                yield return query;
            }
            sourceDone.SetResult();
        }

        var results = await ranker.RankAsync(Source(), maxBatchSize: 4).ToListAsync();

        results.Select(r => r.Query.QueryId).Should().Equal(queries.Select(q => q.QueryId));
        results.Select(r => r.Order).Should().AllSatisfy(order => order.Should().Equal(2, 1, 0));
        engine.BatchSizes.Sum().Should().Be(7);
        engine.BatchSizes.Should().OnlyContain(n => n >= 1 && n <= 4);
        engine.BatchSizes.Count.Should().BeLessThanOrEqualTo(3, "the six queries that arrived during the first call fill at most two calls of four");
    }

    [Fact]
    public async Task An_error_of_the_source_reaches_the_caller_after_the_results_of_what_it_gave()
    {
        using var engine = new RecordingEngine();
        using var ranker = new IRankerTransformer(new MLContext(seed: 1), Pipelines.Options(), engine, "recording");

        async IAsyncEnumerable<RankingQuery> Failing()
        {
            await Task.Yield();
            yield return Query("comet", "a", "b");
            throw new InvalidOperationException("the request stream broke");
        }

        var seen = new List<string?>();
        var enumerate = async () =>
        {
            await foreach (var result in ranker.RankAsync(Failing())) seen.Add(result.Query.QueryId);
        };
        await enumerate.Should().ThrowAsync<InvalidOperationException>().WithMessage("the request stream broke");
        seen.Should().Equal("comet");
        var badSize = () => ranker.RankAsync(Failing(), maxBatchSize: 0);
        badSize.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("maxBatchSize");
    }

    /// <summary>Ranks every list in reverse input order and records how many queries each call got.</summary>
    private sealed class RecordingEngine(Task? firstCallWaitsFor = null) : IRanker.MLNet.Engine.IRankingEngine
    {
        public List<int> BatchSizes { get; } = [];

        public IReadOnlyList<RankingResult> Rank(IReadOnlyList<RankingQuery> queries, CancellationToken cancellationToken = default)
        {
            if (BatchSizes.Count == 0 && firstCallWaitsFor is not null) firstCallWaitsFor.Wait(TimeSpan.FromSeconds(30));
            BatchSizes.Add(queries.Count);
            return queries.Select(q =>
            {
                int n = q.Candidates.Count;
                var eliminated = Enumerable.Range(0, n - 1).ToArray();   // the first listed goes first
                var steps = eliminated.Select((c, s) => new EliminationStep(s, c, q.Candidates[c].Id, AnswerMatch.Exact)).ToArray();
                return new RankingResult(q, Enumerable.Range(0, n).Reverse().ToArray(), steps);
            }).ToArray();
        }

        public void SaveTo(string folder) => throw new NotSupportedException();

        public void Dispose()
        {
        }
    }
}
