using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using IRanker.Server.Tests.Support;

namespace IRanker.Server.Tests;

/// <summary>Health probes, readiness, metrics, the OpenAPI document and start-up settings.</summary>
[Collection(ServerCollection.Name)]
public sealed class OperationsTests(TinyModels models)
{
    [Fact]
    public async Task Ready_only_once_the_model_is_loaded_and_warmed_up_and_requests_before_get_503()
    {
        using var backend = new StandInBackend();
        backend.LoadGate.Reset();
        using var factory = ServerFactory.ForBackend(backend, ("RetryAfterSeconds", "2"));
        var client = factory.CreateClient();

        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/health/ready")).StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var early = await client.PostJsonAsync("/v1/rerank", new { query = "q", documents = new[] { "a", "b" } });
        (await early.ShouldBeProblemAsync(503)).Should().Contain("loading");
        early.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(2));
        (await client.GetStringAsync("/metrics")).Should().Contain("iranker_model_ready 0\n");

        backend.LoadGate.Set();
        await factory.ReadyClientAsync();
        backend.Calls.Should().ContainSingle().Which.Should().Equal("warm-up");
        (await client.GetStringAsync("/metrics")).Should().Contain("iranker_model_ready 1\n");
    }

    [Fact]
    public async Task Metrics_count_requests_by_route_and_status_and_the_tokens_the_model_computed()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = await factory.ReadyClientAsync();
        for (int i = 0; i < 3; i++)
            (await client.PostJsonAsync("/v1/rerank", new { query = $"comet {i}", documents = new[] { "a comet", "a banana", "a reef" } })).EnsureSuccessStatusCode();
        await client.PostRawAsync("/v1/rerank", "{");

        var response = await client.GetAsync("/metrics");
        response.Content.Headers.ContentType!.ToString().Should().Be("text/plain; version=0.0.4; charset=utf-8");
        string text = await response.Content.ReadAsStringAsync();

        text.Should().Contain("iranker_http_requests_total{route=\"/v1/rerank\",method=\"POST\",status=\"200\"} 3\n")
            .And.Contain("iranker_http_requests_total{route=\"/v1/rerank\",method=\"POST\",status=\"400\"} 1\n")
            .And.Contain("iranker_http_request_duration_seconds_count{route=\"/v1/rerank\"} 4\n")
            .And.Contain("iranker_engine_calls_total 3\n")
            .And.Contain("iranker_batch_candidates_sum 9\n")
            .And.Contain("iranker_queue_depth 0\n")
            .And.Contain("iranker_queue_capacity 1024\n")
            .And.Contain("iranker_queue_bytes 0\n")
            .And.Contain("iranker_queue_bytes_limit 67108864\n");
        Value(text, "iranker_tokens_total{kind=\"prompt\"}").Should().BeGreaterThan(0);
        Value(text, "iranker_tokens_total{kind=\"choice\"}").Should().BeGreaterThan(0, "Choice mode scores the candidate IDs");
        Value(text, "iranker_forward_batches_total").Should().BeGreaterThanOrEqualTo(6, "two elimination steps per list of three");
        Value(text, "process_resident_memory_bytes").Should().BeGreaterThan(0);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            line.Should().MatchRegex(@"^(# (HELP|TYPE) \w+ .+|\w+(\{[^}]*\})? [-+0-9.eE]+|\w+(\{[^}]*\})? \+Inf)$", "every line is valid exposition text");
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_every_ranking_endpoint()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = factory.CreateClient();

        string document = await client.GetStringAsync("/openapi/v1.json");

        document.Should().Contain("\"/v1/rerank\"").And.Contain("\"/v2/rerank\"").And.Contain("\"/v1/rank\"")
            .And.Contain("return_documents").And.Contain("return_trace").And.Contain("relevance_score");
    }

    [Fact]
    public async Task Starting_without_a_model_exits_with_2_and_says_how_to_give_one()
    {
        var (exitCode, errors) = await RunMainAsync("--urls", "http://127.0.0.1:0");

        exitCode.Should().Be(2);
        errors.Should().Contain("--model").And.Contain("IRanker__Model");
    }

    [Fact]
    public async Task A_model_path_that_does_not_exist_and_wrong_settings_are_each_named()
    {
        var (exitCode, errors) = await RunMainAsync("--model", "/nonexistent/model.zip", "--IRanker:MaxDocuments=0", "--IRanker:AllowedModes=Choice,Telepathy",
            "--urls", "http://127.0.0.1:0");

        exitCode.Should().Be(2);
        errors.Should().Contain("/nonexistent/model.zip").And.Contain("IRanker:MaxDocuments must be at least 1").And.Contain("'Telepathy'");
    }

    /// <summary>Runs the real entry point with <paramref name="args"/>; it must end by itself (a setting is wrong).</summary>
    private static async Task<(int ExitCode, string Errors)> RunMainAsync(params string[] args)
    {
        var errors = new StringWriter();
        var original = Console.Error;
        Console.SetError(errors);
        try
        {
            int exitCode = await Task.Run(() => Program.Main(args)).WaitAsync(TimeSpan.FromSeconds(60));
            return (exitCode, errors.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }

    private static double Value(string exposition, string series)
    {
        var match = Regex.Match(exposition, "^" + Regex.Escape(series) + @" (\S+)$", RegexOptions.Multiline);
        match.Success.Should().BeTrue($"the metrics include {series}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
