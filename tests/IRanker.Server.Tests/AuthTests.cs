using System.Net;
using System.Net.Http.Headers;
using IRanker.Server.Tests.Support;

namespace IRanker.Server.Tests;

/// <summary>With an API key set, everything but the health probes needs <c>Authorization: Bearer KEY</c>.</summary>
[Collection(ServerCollection.Name)]
public sealed class AuthTests
{
    private const string Key = "s3cret-key-for-tests";

    private static readonly object Body = new { query = "q", documents = new[] { "a", "b" } };

    [Fact]
    public async Task Requests_without_the_right_bearer_key_get_401_and_health_stays_open()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("ApiKey", Key));
        var client = await factory.ReadyClientAsync();

        var missing = await client.PostJsonAsync("/v1/rerank", Body);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key + "x");
        var wrong = await client.PostJsonAsync("/v1/rerank", Body);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key[..^1]);
        var prefix = await client.PostJsonAsync("/v2/rerank", Body);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Key);
        var otherScheme = await client.GetAsync("/metrics");
        client.DefaultRequestHeaders.Authorization = null;
        var live = await client.GetAsync("/health/live");
        var ready = await client.GetAsync("/health/ready");
        var metrics = await client.GetAsync("/metrics");

        (await missing.ShouldBeProblemAsync(401, "Authorization")).Should().Contain("Bearer");
        missing.Headers.WwwAuthenticate.ToString().Should().Be("Bearer");
        await wrong.ShouldBeProblemAsync(401);
        await prefix.ShouldBeProblemAsync(401);
        await otherScheme.ShouldBeProblemAsync(401);
        await metrics.ShouldBeProblemAsync(401);
        live.StatusCode.Should().Be(HttpStatusCode.OK);
        ready.StatusCode.Should().Be(HttpStatusCode.OK);
        backend.Calls.Should().HaveCount(1, "only the warm-up reached the model");
    }

    [Fact]
    public async Task The_right_key_is_let_through()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("ApiKey", Key));
        var client = await factory.ReadyClientAsync();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);

        (await client.PostJsonAsync("/v1/rerank", Body)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.PostJsonAsync("/v1/rank", new { context = "q", candidates = new[] { "a", "b" } })).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/metrics")).StatusCode.Should().Be(HttpStatusCode.OK);
    }
}
