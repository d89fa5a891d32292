using System.Net.Http.Json;
using System.Text.Json;
using IRanker.Server.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace IRanker.Server.Tests.Support;

/// <summary>
/// The real server in the ASP.NET Core test host, with settings as configuration keys (<c>IRanker:Model</c>, ...)
/// and, optionally, a stand-in backend in place of the model.
/// </summary>
internal sealed class ServerFactory(IReadOnlyDictionary<string, string?> settings, IRankingBackendLoader? loader = null) : WebApplicationFactory<Program>
{
    public static ServerFactory ForModel(string model, params (string Key, string Value)[] settings) =>
        new(settings.Append(("Model", model)).ToDictionary(s => $"IRanker:{s.Item1}", s => (string?)s.Item2));

    public static ServerFactory ForBackend(IRankingBackendLoader loader, params (string Key, string Value)[] settings) =>
        new(settings.Append(("Model", typeof(ServerFactory).Assembly.Location)).ToDictionary(s => $"IRanker:{s.Item1}", s => (string?)s.Item2), loader);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        if (loader is not null) builder.ConfigureTestServices(services => services.AddSingleton(loader));
    }

    /// <summary>A client once <c>/health/ready</c> says 200 (within 60 s).</summary>
    public async Task<HttpClient> ReadyClientAsync()
    {
        var client = CreateClient();
        for (int i = 0; i < 600; i++)
        {
            if ((await client.GetAsync("/health/ready")).IsSuccessStatusCode) return client;
            await Task.Delay(100);
        }
        throw new TimeoutException("The server did not become ready within 60 s.");
    }
}

/// <summary>Request and response helpers.</summary>
internal static class Http
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string path, object body, CancellationToken cancellationToken = default) =>
        client.PostAsJsonAsync(path, body, cancellationToken);

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string path, string body, string contentType = "application/json") =>
        client.PostAsync(path, new StringContent(body, System.Text.Encoding.UTF8, contentType));

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts an RFC 7807 problem with <paramref name="status"/> naming <paramref name="field"/>; returns its detail.</summary>
    public static async Task<string> ShouldBeProblemAsync(this HttpResponseMessage response, int status, string? field = null)
    {
        ((int)response.StatusCode).Should().Be(status, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        var problem = await response.JsonAsync();
        problem.GetProperty("status").GetInt32().Should().Be(status);
        problem.GetProperty("title").GetString().Should().NotBeNullOrEmpty();
        if (field is not null) problem.GetProperty("field").GetString().Should().Be(field);
        return problem.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : "";
    }
}
