using System.Net;
using IRanker.Server.Hosting;
using IRanker.Server.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace IRanker.Server.Tests;

/// <summary>
/// The queue bounded by what its requests hold (IRanker:QueueBytes) as well as by their number
/// (IRanker:QueueCapacity): requests are held queued behind a held stand-in backend, so where each one stands is known.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class QueueBytesTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>A request of <paramref name="documents"/> documents of <paramref name="chars"/> characters, with 4-character IDs.</summary>
    private static object Request(string context, int documents, int chars = 100) =>
        new { context, candidates = Enumerable.Range(0, documents).Select(i => new { id = $"d{i:D3}", text = new string('x', chars) }).ToArray() };

    /// <summary>What <see cref="Request"/> counts against QueueBytes: 2 bytes per character of context, IDs and texts, and a fixed cost per document.</summary>
    private static long Bytes(string context, int documents, int chars = 100) =>
        2L * (context.Length + documents * (4 + chars)) + (long)RankingJob.DocumentOverheadBytes * documents;

    /// <summary>Starts a server on <paramref name="backend"/>, lets the warm-up pass, holds the next call and starts one request into it.</summary>
    private static async Task<(HttpClient Client, Task<HttpResponseMessage> Running)> RunningAsync(ServerFactory factory, StandInBackend backend)
    {
        var client = await backend.HeldClientAsync(factory, Patience);
        var running = client.PostJsonAsync("/v1/rank", Request("running", 2));
        (await backend.EnteredAsync(Patience)).Should().BeTrue("the first request is taken into a round and held there");
        return (client, running);
    }

    [Fact]
    public async Task Requests_are_admitted_until_their_text_would_pass_QueueBytes_then_answered_429_naming_it()
    {
        long one = Bytes("queued 0", 10);
        long limit = 3 * one + one / 2;
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("QueueBytes", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("RetryAfterSeconds", "2"));
        var (client, running) = await RunningAsync(factory, backend);

        var queued = Enumerable.Range(0, 3).Select(i => client.PostJsonAsync("/v1/rank", Request($"queued {i}", 10))).ToArray();
        await MetricsWait.QueueAsync(client, 3);
        var refused = await client.PostJsonAsync("/v1/rank", Request("queued 3", 10)).WaitAsync(Patience);

        string detail = await refused.ShouldBeProblemAsync(429);
        detail.Should().Contain("IRanker:QueueBytes").And.Contain($"{one:N0} bytes").And.NotContain("QueueCapacity");
        (await refused.JsonAsync()).GetProperty("limit").GetInt64().Should().Be(limit);
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(2));
        (await client.GetStringAsync("/metrics")).Should().Contain($"\niranker_queue_bytes {3 * one}\n")
            .And.Contain($"\niranker_queue_bytes_limit {limit}\n")
            .And.Contain("iranker_rejected_total{reason=\"queue_bytes\"} 1\n")
            .And.NotContain("reason=\"queue_full\"");
        backend.Release();

        (await Task.WhenAll(queued.Append(running)).WaitAsync(Patience)).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        (await client.PostJsonAsync("/v1/rank", Request("after", 10)).WaitAsync(Patience)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Far_more_small_requests_than_the_old_count_of_64_all_wait_when_their_text_fits_and_are_answered_200()
    {
        const int requests = 150;
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);   // the defaults: QueueCapacity 1,024, QueueBytes 64 MiB
        var (client, running) = await RunningAsync(factory, backend);

        var queued = Enumerable.Range(0, requests).Select(i => client.PostJsonAsync("/v1/rank", Request($"small {i:D3}", 30, chars: 60))).ToArray();
        await MetricsWait.QueueAsync(client, requests);
        await MetricsWait.QueueBytesAsync(client, requests * Bytes("small 000", 30, chars: 60));
        backend.Release();

        (await Task.WhenAll(queued.Append(running)).WaitAsync(Patience)).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        backend.Calls.Skip(2).Sum(c => c.Count).Should().Be(requests);
        (await client.GetStringAsync("/metrics")).Should().NotContain("iranker_rejected_total{");
    }

    [Fact]
    public async Task An_empty_queue_takes_one_request_larger_than_QueueBytes_and_refuses_the_next_while_it_waits()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("QueueBytes", "1000"));
        var (client, running) = await RunningAsync(factory, backend);
        long large = Bytes("large", 20);
        large.Should().BeGreaterThan(1000);

        var admitted = client.PostJsonAsync("/v1/rank", Request("large", 20));
        await MetricsWait.QueueBytesAsync(client, large);
        var refused = await client.PostJsonAsync("/v1/rank", Request("small", 2, chars: 1)).WaitAsync(Patience);

        (await refused.ShouldBeProblemAsync(429)).Should().Contain("IRanker:QueueBytes");
        backend.Release();
        var response = await admitted.WaitAsync(Patience);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync()).GetProperty("order").GetArrayLength().Should().Be(20);
        (await running.WaitAsync(Patience)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task The_queued_bytes_return_to_0_once_every_request_is_answered_or_its_client_left()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var (client, running) = await RunningAsync(factory, backend);

        using var leaving = new CancellationTokenSource();
        var gone = Enumerable.Range(0, 2).Select(i => client.PostJsonAsync("/v1/rank", Request($"leaves {i}", 10), leaving.Token)).ToArray();
        await MetricsWait.QueueAsync(client, 2);
        var staying = Enumerable.Range(0, 3).Select(i => client.PostJsonAsync("/v1/rank", Request($"stays {i}", 10))).ToArray();
        await MetricsWait.QueueAsync(client, 5);
        await MetricsWait.QueueBytesAsync(client, 2 * Bytes("leaves 0", 10) + 3 * Bytes("stays 0", 10));
        await leaving.CancelAsync();
        foreach (var left in gone) await FluentActions.Awaiting(() => left).Should().ThrowAsync<OperationCanceledException>();
        await MetricsWait.LineAsync(client, "iranker_http_requests_total{route=\"/v1/rank\",method=\"POST\",status=\"499\"} 2\n");
        backend.Release();

        (await Task.WhenAll(staying.Append(running)).WaitAsync(Patience)).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
        await MetricsWait.QueueBytesAsync(client, 0);
        var metrics = await client.GetStringAsync("/metrics");
        metrics.Should().Contain("iranker_queue_depth 0\n").And.Contain("iranker_cancelled_total{stage=\"queued\"} 2\n");
        backend.Calls.SelectMany(c => c).Should().NotContain(c => c.StartsWith("leaves", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_queued_bytes_return_to_0_when_the_server_stops_with_requests_queued()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var (client, running) = await RunningAsync(factory, backend);
        var queued = Enumerable.Range(0, 3).Select(i => client.PostJsonAsync("/v1/rank", Request($"queued {i}", 10))).ToArray();
        await MetricsWait.QueueBytesAsync(client, 3 * Bytes("queued 0", 10));

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await factory.Services.GetServices<IHostedService>().OfType<RankingWorker>().Single().StopAsync(timeout.Token).WaitAsync(Patience);

        foreach (var response in queued.Append(running)) await (await response.WaitAsync(Patience)).ShouldBeProblemAsync(503);
        (await client.GetStringAsync("/metrics")).Should().Contain("\niranker_queue_bytes 0\n").And.Contain("iranker_queue_depth 0\n");
    }

    [Fact]
    public async Task The_count_bound_still_answers_429_naming_QueueCapacity_while_the_bytes_have_room()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("QueueCapacity", "2"));
        var (client, running) = await RunningAsync(factory, backend);

        var queued = Enumerable.Range(0, 2).Select(i => client.PostJsonAsync("/v1/rank", Request($"queued {i}", 10))).ToArray();
        await MetricsWait.QueueBytesAsync(client, 2 * Bytes("queued 0", 10));
        var refused = await client.PostJsonAsync("/v1/rank", Request("queued 2", 2, chars: 1)).WaitAsync(Patience);

        (await refused.ShouldBeProblemAsync(429)).Should().Contain("IRanker:QueueCapacity").And.NotContain("QueueBytes");
        (await refused.JsonAsync()).GetProperty("limit").GetInt64().Should().Be(2);
        refused.Headers.RetryAfter.Should().NotBeNull();
        (await client.GetStringAsync("/metrics")).Should().Contain("iranker_rejected_total{reason=\"queue_full\"} 1\n").And.NotContain("reason=\"queue_bytes\"");
        backend.Release();
        (await Task.WhenAll(queued.Append(running)).WaitAsync(Patience)).Should().OnlyContain(r => r.StatusCode == HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void QueueBytes_below_1_stops_the_server_with_the_setting_named(long bytes)
    {
        var options = new ServerOptions { Model = typeof(QueueBytesTests).Assembly.Location, QueueBytes = bytes };

        var result = new ServerOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.Failures.Should().ContainSingle().Which.Should().Be($"IRanker:QueueBytes must be at least 1 (it is {bytes}).");
    }

    [Fact]
    public void The_queue_defaults_to_64_MiB_of_text_and_1024_requests()
    {
        new ServerOptions().QueueBytes.Should().Be(67_108_864);
        new ServerOptions().QueueCapacity.Should().Be(1_024);
    }

    [Fact]
    public void A_job_gives_back_its_place_and_bytes_once_when_taken_and_only_then()
    {
        var queue = new RankingQueue(capacity: 3, byteLimit: 1_000);
        RankingJob Job(int chars) => new(new IRanker.Model.RankingQuery(new string('q', chars), [new("a", "x"), new("b", "y")]),
            IRanker.Model.DecodingMode.Choice, IRanker.Model.Elimination.EliminationSchedule.OnePerStep, CancellationToken.None);
        var large = Job(600);   // 2 × (600 + 4) + 2 × 128 = 1,464 bytes, over the bound
        large.TextBytes.Should().Be(1_464);

        queue.TryAdd(large).Should().Be(Admission.Queued, "an empty queue takes one request, however large");
        queue.TryAdd(Job(0)).Should().Be(Admission.QueueBytesFull);
        queue.TryTake(out var taken).Should().BeTrue();
        taken.Should().BeSameAs(large);
        (queue.Count, queue.Bytes).Should().Be((0, 0L));
        queue.TryTake(out _).Should().BeFalse("a job leaves once");
        (queue.Count, queue.Bytes).Should().Be((0, 0L));

        var small = Enumerable.Range(0, 3).Select(_ => Job(10)).ToArray();   // 2 × 14 + 256 = 284 bytes each
        small.Select(queue.TryAdd).Should().Equal(Admission.Queued, Admission.Queued, Admission.Queued);
        queue.TryAdd(Job(10)).Should().Be(Admission.QueueFull, "the count bound is checked first");
        queue.Bytes.Should().Be(3 * 284);
        queue.Complete();
        queue.TryAdd(Job(0)).Should().Be(Admission.Stopping);
        while (queue.TryTake(out _)) { }
        (queue.Count, queue.Bytes).Should().Be((0, 0L));
    }
}
