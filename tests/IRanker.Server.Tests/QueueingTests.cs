using System.Net;
using IRanker.Server.Hosting;
using IRanker.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IRanker.Server.Tests;

/// <summary>Batching across requests, the bounded queue, and cancellation by disconnecting clients.</summary>
[Collection(ServerCollection.Name)]
public sealed class QueueingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static object Request(string context) => new { context, candidates = new[] { "a", "b", "c" } };

    [Fact]
    public async Task Requests_that_arrive_while_the_model_is_busy_are_ranked_together_in_one_call()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var client = await backend.HeldClientAsync(factory, Patience);

        var first = client.PostJsonAsync("/v1/rank", Request("first"));
        (await backend.EnteredAsync(Patience)).Should().BeTrue();
        var others = Enumerable.Range(0, 5).Select(i => client.PostJsonAsync("/v1/rank", Request($"other {i}"))).ToArray();
        await MetricsWait.QueueAsync(client, 5);
        backend.Release();

        (await Task.WhenAll(others.Append(first))).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        backend.Calls.Select(c => c.Count).Should().Equal(1, 1, 5);   // warm-up, the first, then all five waiting together
        backend.Calls.Last().Should().BeEquivalentTo(Enumerable.Range(0, 5).Select(i => $"other {i}"));
        var metrics = await client.GetStringAsync("/metrics");
        metrics.Should().Contain("iranker_batch_requests_bucket{le=\"4\"} 1\n").And.Contain("iranker_batch_requests_bucket{le=\"8\"} 2\n")
            .And.Contain("iranker_batch_requests_count 2\n");
    }

    [Fact]
    public async Task With_batching_off_each_request_is_its_own_call()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("Batching", "false"));
        var client = await backend.HeldClientAsync(factory, Patience);

        var first = client.PostJsonAsync("/v1/rank", Request("first"));
        (await backend.EnteredAsync(Patience)).Should().BeTrue();
        var others = Enumerable.Range(0, 3).Select(i => client.PostJsonAsync("/v1/rerank", new { query = $"other {i}", documents = new[] { "a", "b" } })).ToArray();
        await MetricsWait.QueueAsync(client, 3);
        backend.Release();

        (await Task.WhenAll(others.Append(first))).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        backend.Calls.Select(c => c.Count).Should().Equal(1, 1, 1, 1, 1);
    }

    [Fact]
    public async Task A_full_queue_answers_429_with_Retry_After_and_the_server_keeps_serving()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("QueueCapacity", "2"), ("RetryAfterSeconds", "3"));
        var client = await backend.HeldClientAsync(factory, Patience);

        var running = client.PostJsonAsync("/v1/rank", Request("running"));
        (await backend.EnteredAsync(Patience)).Should().BeTrue();
        var queued = new[] { client.PostJsonAsync("/v1/rank", Request("queued 1")), client.PostJsonAsync("/v1/rank", Request("queued 2")) };
        await MetricsWait.QueueAsync(client, 2);
        var refused = await client.PostJsonAsync("/v2/rerank", new { model = "m", query = "one too many", documents = new[] { "a", "b" } });

        (await refused.ShouldBeProblemAsync(429)).Should().Contain("QueueCapacity");
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(3));
        backend.Release();
        (await Task.WhenAll(queued.Append(running))).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        (await client.PostJsonAsync("/v1/rank", Request("after"))).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetStringAsync("/metrics")).Should().Contain("iranker_rejected_total{reason=\"queue_full\"} 1\n")
            .And.Contain("iranker_http_requests_total{route=\"/v2/rerank\",method=\"POST\",status=\"429\"} 1\n");
    }

    [Fact]
    public async Task A_client_that_disconnects_while_queued_costs_no_model_call()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var client = await backend.HeldClientAsync(factory, Patience);

        var running = client.PostJsonAsync("/v1/rank", Request("running"));
        (await backend.EnteredAsync(Patience)).Should().BeTrue();
        using var leaving = new CancellationTokenSource();
        var gone = client.PostJsonAsync("/v1/rank", Request("leaves"), leaving.Token);
        var staying = client.PostJsonAsync("/v1/rank", Request("stays"));
        await MetricsWait.QueueAsync(client, 2);
        await leaving.CancelAsync();
        await FluentActions.Awaiting(() => gone).Should().ThrowAsync<OperationCanceledException>();
        await MetricsWait.LineAsync(client, "iranker_http_requests_total{route=\"/v1/rank\",method=\"POST\",status=\"499\"} 1\n");
        backend.Release();

        (await running).StatusCode.Should().Be(HttpStatusCode.OK);
        (await staying).StatusCode.Should().Be(HttpStatusCode.OK);
        backend.Calls.SelectMany(c => c).Should().NotContain("leaves").And.Contain("stays");
        (await client.GetStringAsync("/metrics")).Should().Contain("iranker_cancelled_total{stage=\"queued\"} 1\n");
    }

    [Fact]
    public async Task A_round_whose_clients_all_disconnect_is_cancelled_inside_the_engine()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var client = await backend.HeldClientAsync(factory, Patience);

        using var leaving = new CancellationTokenSource();
        var gone = client.PostJsonAsync("/v1/rank", Request("in the engine"), leaving.Token);
        (await backend.EnteredAsync(Patience)).Should().BeTrue();
        await leaving.CancelAsync();
        await FluentActions.Awaiting(() => gone).Should().ThrowAsync<OperationCanceledException>();

        for (int i = 0; i < 100 && backend.Cancelled.IsEmpty; i++) await Task.Delay(50);
        backend.Cancelled.Should().Equal("in the engine");
        backend.Release();
        (await client.PostJsonAsync("/v1/rank", Request("next"))).StatusCode.Should().Be(HttpStatusCode.OK, "the server keeps serving");
        (await client.GetStringAsync("/metrics")).Should().Contain("iranker_cancelled_total{stage=\"running\"} 1\n");
    }

    [Fact]
    public async Task Stopping_lets_the_running_request_finish_and_refuses_new_ones()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var client = await backend.HeldClientAsync(factory, Patience);
        var running = client.PostJsonAsync("/v1/rank", Request("in flight"));
        (await backend.EnteredAsync(Patience)).Should().BeTrue();

        using var timeout = new CancellationTokenSource(Patience);
        var stopping = Worker(factory).StopAsync(timeout.Token);
        var refused = await client.PostJsonAsync("/v1/rank", Request("too late"));
        stopping.IsCompleted.Should().BeFalse("the worker waits for the ranking in flight");
        backend.Release();

        var response = await running;
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync()).GetProperty("order").GetArrayLength().Should().Be(3);
        (await refused.ShouldBeProblemAsync(503)).Should().Contain("shutting down");
        refused.Headers.RetryAfter.Should().NotBeNull();
        await stopping.WaitAsync(Patience);
    }

    [Fact]
    public async Task Work_still_running_at_the_shutdown_timeout_is_cancelled_and_answered_503()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var client = await backend.HeldClientAsync(factory, Patience);
        var running = client.PostJsonAsync("/v1/rank", Request("too slow"));
        (await backend.EnteredAsync(Patience)).Should().BeTrue();

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await Worker(factory).StopAsync(timeout.Token).WaitAsync(Patience);

        backend.Cancelled.Should().Equal("too slow");
        await (await running).ShouldBeProblemAsync(503);
    }

    private static RankingWorker Worker(ServerFactory factory) => factory.Services.GetServices<IHostedService>().OfType<RankingWorker>().Single();
}
