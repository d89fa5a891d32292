using System.Net;
using IRanker.Server.Tests.Support;

namespace IRanker.Server.Tests;

/// <summary>
/// Within a round, short lists are ranked in engine calls of their own before long ones (IRanker:ShortListDocuments),
/// so a short request is not held behind a long one that was taken into the same round.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class ShortListsFirstTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static object Request(string context, int documents) =>
        new { context, candidates = Enumerable.Range(0, documents).Select(i => $"{context} document {i}").ToArray() };

    [Theory]
    [InlineData("100")]   // the long list shares the short lists' mode and schedule: only its size sets it apart
    [InlineData("50")]    // the long list takes the long-list schedule, a call of its own that came first in the queue
    public async Task Short_requests_queued_behind_a_long_one_in_the_same_round_are_ranked_and_answered_before_its_call_ends(string longListDocuments)
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("LongListDocuments", longListDocuments));
        var client = await backend.HeldClientAsync(factory, Patience);

        var running = client.PostJsonAsync("/v1/rank", Request("running", 3));
        (await backend.EnteredAsync(Patience)).Should().BeTrue();
        var longRequest = client.PostJsonAsync("/v1/rank", Request("long", 60));
        await MetricsWait.QueueAsync(client, 1);
        var shortRequests = Enumerable.Range(0, 3).Select(i => client.PostJsonAsync("/v1/rank", Request($"short {i}", 3))).ToArray();
        await MetricsWait.QueueAsync(client, 4);
        backend.HoldCallsOver(20);
        try
        {
            backend.Release();

            // The long list's call waits until the test opens it: the short requests can only be answered first.
            (await Task.WhenAll(shortRequests.Append(running)).WaitAsync(Patience)).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
            (await backend.EnteredAsync(Patience)).Should().BeTrue("the round's short call");
            (await backend.EnteredAsync(Patience)).Should().BeTrue("the round's long call, held");
            longRequest.IsCompleted.Should().BeFalse("the long list's call has not ended");
        }
        finally
        {
            backend.ReleaseLongCalls();
        }

        var longResponse = await longRequest.WaitAsync(Patience);
        longResponse.StatusCode.Should().Be(HttpStatusCode.OK);
        (await longResponse.JsonAsync()).GetProperty("order").GetArrayLength().Should().Be(60);
        var calls = backend.Calls.Skip(2).ToArray();   // after the warm-up and the running request
        calls.Should().HaveCount(2);
        calls[0].Should().BeEquivalentTo("short 0", "short 1", "short 2");
        calls[1].Should().Equal("long");
    }

    [Fact]
    public async Task Requests_of_one_size_class_share_a_call_and_the_calls_run_shortest_first()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("ShortListDocuments", "5"), ("LongListDocuments", "10"), ("LongListSchedule", "OnePass"));
        var client = await backend.HeldClientAsync(factory, Patience);

        var running = client.PostJsonAsync("/v1/rank", Request("running", 3));
        (await backend.EnteredAsync(Patience)).Should().BeTrue();
        // Queued one at a time, so the queue order is known: longest first.
        var requests = new List<Task<HttpResponseMessage>>();
        foreach (var (context, documents) in new[] { ("longest", 12), ("long A", 8), ("short A", 3), ("long B", 9), ("short B", 5) })
        {
            requests.Add(client.PostJsonAsync("/v1/rank", Request(context, documents)));
            await MetricsWait.QueueAsync(client, requests.Count);
        }
        backend.Release();

        (await Task.WhenAll(requests.Append(running)).WaitAsync(Patience)).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        var calls = backend.Calls.Skip(2).ToArray();   // after the warm-up and the running request
        var documentCounts = backend.Documents.Skip(2).ToArray();
        var schedules = backend.Settings.Skip(2).Select(s => s.Schedule.ToString()).ToArray();
        calls.Should().HaveCount(3, "one call per schedule and size class");
        calls[0].Should().Equal("short A", "short B");
        calls[1].Should().Equal("long A", "long B");
        calls[2].Should().Equal("longest");
        documentCounts[0].Should().Equal(3, 5);
        documentCounts[1].Should().Equal(8, 9);
        documentCounts[2].Should().Equal(12);
        schedules.Should().Equal("OnePerStep", "OnePerStep", "OnePass");
    }

    [Fact]
    public async Task A_client_that_leaves_while_an_earlier_call_of_its_round_runs_costs_no_model_call()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("LongListDocuments", "50"));
        var client = await backend.HeldClientAsync(factory, Patience);

        var running = client.PostJsonAsync("/v1/rank", Request("running", 3));
        (await backend.EnteredAsync(Patience)).Should().BeTrue();
        var first = client.PostJsonAsync("/v1/rank", Request("first", 30));
        await MetricsWait.QueueAsync(client, 1);
        using var leaving = new CancellationTokenSource();
        var gone = client.PostJsonAsync("/v1/rank", Request("leaves", 60), leaving.Token);   // the long-list schedule: a later call
        await MetricsWait.QueueAsync(client, 2);
        backend.HoldCallsOver(20);
        try
        {
            backend.Release();
            (await running.WaitAsync(Patience)).StatusCode.Should().Be(HttpStatusCode.OK);
            (await backend.EnteredAsync(Patience)).Should().BeTrue("the round's first call, held");
            await leaving.CancelAsync();
            await FluentActions.Awaiting(() => gone).Should().ThrowAsync<OperationCanceledException>();
            await MetricsWait.LineAsync(client, "iranker_http_requests_total{route=\"/v1/rank\",method=\"POST\",status=\"499\"} 1\n");
        }
        finally
        {
            backend.ReleaseLongCalls();
        }

        (await first.WaitAsync(Patience)).StatusCode.Should().Be(HttpStatusCode.OK);
        // A later round: by its answer the worker has passed the call the client left.
        (await client.PostJsonAsync("/v1/rank", Request("after", 3)).WaitAsync(Patience)).StatusCode.Should().Be(HttpStatusCode.OK);
        backend.Calls.Skip(2).Should().BeEquivalentTo(new[] { new[] { "first" }, new[] { "after" } }, o => o.WithStrictOrdering());
        backend.Cancelled.Should().BeEmpty();
        (await client.GetStringAsync("/metrics")).Should().Contain("iranker_cancelled_total{stage=\"queued\"} 1\n");
    }

    [Fact]
    public void ShortListDocuments_defaults_to_20_and_below_1_stops_the_server_with_the_setting_named()
    {
        new ServerOptions().ShortListDocuments.Should().Be(20);
        var options = new ServerOptions { Model = typeof(ShortListsFirstTests).Assembly.Location, ShortListDocuments = 0 };

        var result = new ServerOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.Failures.Should().ContainSingle().Which.Should().Be("IRanker:ShortListDocuments must be at least 1 (it is 0).");
    }
}
