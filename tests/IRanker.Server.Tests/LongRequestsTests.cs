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

    [Fact]
    public void By_default_1000_documents_of_a_typical_passage_length_fit_every_limit()
    {
        var options = new ServerOptions();
        var documents = Passages(1_000, 1_000);
        string query = new('q', options.MaxQueryChars);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new { query, documents, top_n = 10 });

        options.MaxDocuments.Should().Be(1_000);
        options.LongListDocuments.Should().Be(100);
        ServerOptionsValidator.TryParseSchedule(options.LongListSchedule, out var schedule, out _).Should().BeTrue();
        schedule.Should().Be(EliminationSchedule.Fraction(0.5, 5));
        (query.Length + documents.Sum(d => d.Length)).Should().BeLessThanOrEqualTo(options.MaxTotalChars, "the longest query with 1,000 passages of 1,000 characters");
        documents.Max(d => d.Length).Should().BeLessThanOrEqualTo(options.MaxDocumentChars);
        body.LongLength.Should().BeLessThan(options.MaxBodyBytes);
        // Even where every character takes three bytes of UTF-8 (CJK text), MaxTotalChars of text fits the body limit.
        (3L * options.MaxTotalChars + 64 * options.MaxDocuments).Should().BeLessThan(options.MaxBodyBytes);
    }

    [Fact]
    public async Task A_Cohere_request_of_1000_documents_is_accepted_and_ranked_with_the_long_list_schedule()
    {
        using var backend = new StandInBackend();
        using var factory = ServerFactory.ForBackend(backend);
        var client = await factory.ReadyClientAsync();

        var response = await client.PostAsync("/v1/rerank", new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(
            new { query = new string('q', 4_000), documents = Passages(1_000, 1_000), top_n = 3 })) { Headers = { { "Content-Type", "application/json" } } });

        ((int)response.StatusCode).Should().Be(200, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        body.GetProperty("results").GetArrayLength().Should().Be(3);
        body.GetProperty("meta").GetProperty("schedule").GetString().Should().Be("Fraction(0.5, 5)");
        body.GetProperty("meta").GetProperty("billed_units").GetProperty("search_units").GetInt32().Should().Be(10);
        backend.Settings.Last().Schedule.Should().Be(EliminationSchedule.Fraction(0.5, 5));
        (await client.PostJsonAsync("/v1/rerank", new { query = "q", documents = Enumerable.Repeat("d", 1_001) }))
            .StatusCode.Should().Be(HttpStatusCode.BadRequest, "1,001 documents are over the default MaxDocuments");
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
        var client = await factory.ReadyClientAsync();
        (await backend.EnteredAsync(Patience)).Should().BeTrue("the warm-up ranking runs at start-up");
        backend.Hold();

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
