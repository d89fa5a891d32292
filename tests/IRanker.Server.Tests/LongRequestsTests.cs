using System.Net;
using System.Text.Json;
using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Server.Tests.Support;

namespace IRanker.Server.Tests;

/// <summary>Cohere-sized requests: up to 1,000 documents by default, the long-list schedule above a size, and the memory bound's refusals.</summary>
[Collection(ServerCollection.Name)]
public sealed class LongRequestsTests(TinyModels models)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static string[] Passages(int count, int length) =>
        Enumerable.Range(0, count).Select(i => $"passage {i} " + new string((char)('a' + i % 26), length - $"passage {i} ".Length)).ToArray();

    /// <summary>
    /// A body as the official Cohere Python SDK sends it (<c>co.rerank</c> / <c>co.v2.rerank</c>): the model, query,
    /// documents as strings and <c>top_n</c>, v1 with <c>return_documents</c>, no field it leaves unset; non-ASCII text
    /// escaped as <c>\uXXXX</c>, as <c>json.dumps</c> writes it by default.
    /// </summary>
    private static HttpRequestMessage CohereSdkRequest(int version, string query, string[] documents, int topN)
    {
        object body = version == 1
            ? new { model = "rerank-english-v3.0", query, documents, top_n = topN, return_documents = true }
            : new { model = "rerank-v3.5", query, documents, top_n = topN };
        return new HttpRequestMessage(HttpMethod.Post, $"/v{version}/rerank")
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)) { Headers = { { "Content-Type", "application/json" } } },
            Headers = { { "Authorization", "Bearer co-key" }, { "Accept", "application/json" }, { "X-Fern-Language", "Python" }, { "X-Fern-SDK-Name", "cohere" } },
        };
    }

    [Fact]
    public void By_default_1000_documents_of_a_typical_passage_length_fit_every_limit()
    {
        var options = new ServerOptions();
        var documents = Passages(1_000, 1_000);
        string query = new('q', options.MaxQueryChars);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { query, documents, top_n = 10 });
        // The worst a client can escape the same lengths: every character a \uXXXX escape (non-ASCII text from json.dumps).
        var escaped = Enumerable.Range(0, 1_000).Select(i => new string((char)(0x4E00 + i), 1_000)).ToArray();
        byte[] escapedBody = JsonSerializer.SerializeToUtf8Bytes(new { model = "rerank-v3.5", query = new string('\u4E00', options.MaxQueryChars), documents = escaped, top_n = 10 });

        options.MaxDocuments.Should().Be(1_000);
        options.LongListDocuments.Should().Be(100);
        ServerOptionsValidator.TryParseSchedule(options.LongListSchedule, out var schedule, out _).Should().BeTrue();
        schedule.Should().Be(EliminationSchedule.Fraction(0.5, 5));
        (query.Length + documents.Sum(d => d.Length)).Should().BeLessThanOrEqualTo(options.MaxTotalChars, "the longest query with 1,000 passages of 1,000 characters");
        documents.Max(d => d.Length).Should().BeLessThanOrEqualTo(options.MaxDocumentChars);
        options.MaxBodyBytes.Should().BeNull("by default the body limit is derived from the document limits");
        options.EffectiveMaxBodyBytes.Should().Be(6_345_536);
        body.LongLength.Should().BeLessThan(options.EffectiveMaxBodyBytes);
        escapedBody.LongLength.Should().BeGreaterThan(6_000_000).And.BeLessThan(options.EffectiveMaxBodyBytes);
    }

    [Fact]
    public void The_derived_body_limit_follows_the_document_limits_and_a_set_one_wins()
    {
        var small = new ServerOptions { MaxDocuments = 5, MaxDocumentChars = 50, MaxQueryChars = 40, MaxTotalChars = 10_000 };
        var larger = new ServerOptions { MaxDocuments = 2_000, MaxTotalChars = 2_004_000 };

        small.EffectiveMaxBodyBytes.Should().Be(6 * (40 + 5 * 50) + 256 * 5 + 65_536, "5 documents of 50 characters bound the text under MaxTotalChars");
        larger.EffectiveMaxBodyBytes.Should().Be(6 * 2_004_000 + 256 * 2_000 + 65_536);
        new ServerOptions { MaxBodyBytes = 1_000 }.EffectiveMaxBodyBytes.Should().Be(1_000);
    }

    [Theory]
    [InlineData(1, 100, "OnePerStep")]
    [InlineData(2, 100, "OnePerStep")]
    [InlineData(1, 200, "Fraction(0.5, 5)")]
    [InlineData(2, 200, "Fraction(0.5, 5)")]
    [InlineData(1, 1_000, "Fraction(0.5, 5)")]
    [InlineData(2, 1_000, "Fraction(0.5, 5)")]
    public async Task A_Cohere_SDK_request_is_accepted_at_default_limits_and_names_its_schedule(int version, int count, string schedule)
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var client = await factory.ReadyClientAsync();
        var documents = Passages(count, 1_000);
        documents[1] = "Kometen: " + new string('\u00e9', 500) + new string('\u5f57', 491);

        var response = await client.SendAsync(CohereSdkRequest(version, new string('q', 4_000), documents, 5));

        ((int)response.StatusCode).Should().Be(200, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        var results = body.GetProperty("results").EnumerateArray().ToArray();
        results.Should().HaveCount(5);
        results.Select(r => r.GetProperty("index").GetInt32()).Should().OnlyHaveUniqueItems().And.OnlyContain(i => i >= 0 && i < count);
        if (version == 1) results.Should().OnlyContain(r => r.GetProperty("document").GetProperty("text").GetString() == documents[r.GetProperty("index").GetInt32()]);
        body.GetProperty("meta").GetProperty("api_version").GetProperty("version").GetString().Should().Be(version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        body.GetProperty("meta").GetProperty("billed_units").GetProperty("search_units").GetInt32().Should().Be(count / 100);
        body.GetProperty("meta").GetProperty("schedule").GetString().Should().Be(schedule, "over LongListDocuments (100) the long-list schedule ranks the list");
        backend.Settings.Last().Schedule.ToString().Should().Be(schedule);
    }

    [Fact]
    public async Task A_Cohere_SDK_request_over_MaxDocuments_is_a_400_naming_the_limit_not_a_413()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var client = await factory.ReadyClientAsync();

        var v1 = await client.SendAsync(CohereSdkRequest(1, "q", Passages(1_001, 1_000), 5));
        var v2 = await client.SendAsync(CohereSdkRequest(2, "q", Passages(1_001, 1_000), 5));

        (await v1.ShouldBeProblemAsync(400, "documents")).Should().Contain("1,001").And.Contain("1,000").And.Contain("MaxDocuments");
        (await v2.ShouldBeProblemAsync(400, "documents")).Should().Contain("1,001").And.Contain("1,000").And.Contain("MaxDocuments");
        (await v2.JsonAsync()).GetProperty("limit").GetInt32().Should().Be(1_000);
    }

    [Fact]
    public async Task A_body_over_the_derived_limit_is_413_naming_the_document_limits_and_one_under_it_is_read()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("MaxDocuments", "5"), ("MaxDocumentChars", "50"), ("MaxQueryChars", "40"), ("MaxTotalChars", "120"));
        var client = await factory.ReadyClientAsync();
        const int limit = 6 * 120 + 256 * 5 + 65_536;
        string Padded(int bytes)
        {
            string request = """{"model": "rerank-v3.5", "query": "q", "documents": ["a", "b"], "top_n": 1}""";
            return request[..^1] + new string(' ', bytes - System.Text.Encoding.UTF8.GetByteCount(request)) + "}";
        }

        var under = await client.PostRawAsync("/v2/rerank", Padded(limit));
        var over = await client.PostRawAsync("/v2/rerank", Padded(limit + 1));

        ((int)under.StatusCode).Should().Be(200, await under.Content.ReadAsStringAsync());
        (await over.ShouldBeProblemAsync(413, "body")).Should().Contain($"{limit:N0} bytes").And.Contain("IRanker:MaxBodyBytes").And.Contain("derived")
            .And.Contain("at most 5 documents (IRanker:MaxDocuments)").And.Contain("at most 50 characters each (IRanker:MaxDocumentChars)");
        (await over.JsonAsync()).GetProperty("limit").GetInt64().Should().Be(limit);
    }

    [Fact]
    public async Task Lists_over_LongListDocuments_take_the_long_list_schedule_in_Choice_mode_and_the_response_names_it()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend, ("LongListDocuments", "5"), ("LongListSchedule", "OnePass"));
        var client = await factory.ReadyClientAsync();

        var atLimit = await (await client.PostJsonAsync("/v2/rerank", new { model = "m", query = "q", documents = Passages(5, 20) })).JsonAsync();
        var overLimit = await (await client.PostJsonAsync("/v2/rerank", new { model = "m", query = "q", documents = Passages(6, 20) })).JsonAsync();
        var native = await (await client.PostJsonAsync("/v1/rank", new { context = "q", candidates = Passages(6, 20) })).JsonAsync();
        var answerMode = await (await client.PostJsonAsync("/v1/rank", new { context = "q", candidates = Passages(6, 20), mode = "answer" })).JsonAsync();

        atLimit.GetProperty("meta").GetProperty("schedule").GetString().Should().Be("OnePerStep", "the model's own schedule up to the limit");
        overLimit.GetProperty("meta").GetProperty("schedule").GetString().Should().Be("OnePass");
        native.GetProperty("meta").GetProperty("schedule").GetString().Should().Be("OnePass");
        answerMode.GetProperty("meta").GetProperty("schedule").GetString().Should().Be("OnePerStep", "the generating modes eliminate one per step");
        backend.Settings.Skip(1).Select(s => (s.Mode, s.Schedule.ToString())).Should().Equal(
            (DecodingMode.Choice, "OnePerStep"), (DecodingMode.Choice, "OnePass"), (DecodingMode.Choice, "OnePass"), (DecodingMode.Answer, "OnePerStep"));
    }

    [Fact]
    public async Task The_real_model_ranks_a_long_list_with_the_long_list_schedule()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip, ("LongListDocuments", "4"));
        var client = await factory.ReadyClientAsync();
        var documents = Enumerable.Range(0, 12).Select(i => $"the comet passage number {i} about orbits and tails").ToArray();

        var response = await client.PostJsonAsync("/v1/rank", new { context = "tell me about the comet", candidates = documents, return_trace = true });

        ((int)response.StatusCode).Should().Be(200, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        body.GetProperty("meta").GetProperty("schedule").GetString().Should().Be("Fraction(0.5, 5)");
        body.GetProperty("order").EnumerateArray().Select(e => e.GetInt32()).Should().BeEquivalentTo(Enumerable.Range(0, 12));
        var trace = body.GetProperty("trace").EnumerateArray().ToArray();
        trace.Should().HaveCount(12);
        trace.Count(s => s.GetProperty("match").GetString() == "choice").Should().Be(11);
    }

    [Fact]
    public async Task The_real_model_ranks_a_200_document_Cohere_SDK_request_with_the_long_list_schedule()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = await factory.ReadyClientAsync();
        var documents = Enumerable.Range(0, 200).Select(i => $"passage {i} about the comet, its orbit and its tail").ToArray();

        var response = await client.SendAsync(CohereSdkRequest(2, "tell me about the comet", documents, 10));

        ((int)response.StatusCode).Should().Be(200, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        body.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()).Should().HaveCount(10).And.OnlyHaveUniqueItems();
        body.GetProperty("meta").GetProperty("schedule").GetString().Should().Be("Fraction(0.5, 5)");
    }

    [Fact]
    public void A_wrong_long_list_schedule_or_memory_bound_stops_the_server_with_the_setting_named()
    {
        var options = new ServerOptions { Model = typeof(LongRequestsTests).Assembly.Location, LongListSchedule = "Fraction(2)", MaxMemoryMB = 0 };

        var result = new ServerOptionsValidator().Validate(null, options);

        result.Failed.Should().BeTrue();
        result.Failures.Should().Contain(f => f.Contains("IRanker:LongListSchedule") && f.Contains("Fraction(2)"))
            .And.Contain(f => f.Contains("IRanker:MaxMemoryMB"));
    }

    [Fact]
    public async Task Over_its_memory_bound_a_busy_server_answers_429_with_Retry_After_and_an_idle_one_still_ranks()
    {
        using var backend = new StandInBackend();
        // A bound of 1 MiB: the process is always over it.
        using var factory = ServerFactory.ForBackend(backend, ("MaxMemoryMB", "1"), ("RetryAfterSeconds", "2"));
        var client = await backend.HeldClientAsync(factory, Patience);

        var running = client.PostJsonAsync("/v1/rank", new { context = "running", candidates = new[] { "a", "b" } });
        (await backend.EnteredAsync(Patience)).Should().BeTrue("an idle server admits a request even over its bound");
        var refused = await client.PostJsonAsync("/v1/rerank", new { query = "refused", documents = new[] { "a", "b" } });
        backend.Release();

        (await refused.ShouldBeProblemAsync(429)).Should().Contain("MaxMemoryMB").And.Contain("1 MiB");
        refused.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(2));
        (await running).StatusCode.Should().Be(HttpStatusCode.OK);
        backend.Settings.Last().TokenBudget.Should().Be(16_384 / 4, "over the bound a round ranks in a quarter of the token budget");
        (await client.PostJsonAsync("/v1/rank", new { context = "after", candidates = new[] { "a", "b" } })).StatusCode.Should().Be(HttpStatusCode.OK);
        var metrics = await client.GetStringAsync("/metrics");
        metrics.Should().Contain("iranker_rejected_total{reason=\"memory\"} 1\n").And.Contain("iranker_memory_limit_bytes 1048576\n")
            .And.Contain("iranker_memory_level 2\n").And.Contain("iranker_native_trims_total{reason=\"bound\"}");
    }
}
