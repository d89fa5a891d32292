using System.Text.Json;
using IRanker.Server.Tests.Support;

namespace IRanker.Server.Tests;

/// <summary>Cohere's rerank API, v1 and v2, over a tiny model zip trained through ML.NET.</summary>
[Collection(ServerCollection.Name)]
public sealed class CohereRerankTests(TinyModels models)
{
    private static readonly string[] Documents =
    [
        "bananas are yellow and sweet",
        "comet history explained in detail by experts",
        "a short overview of the comet",
        "comet tours advertisement buy now",
    ];

    [Fact]
    public async Task V1_ranks_string_and_object_documents_best_first_and_returns_them_as_sent()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = await factory.ReadyClientAsync();

        var response = await client.PostJsonAsync("/v1/rerank", new
        {
            query = "tell me about the comet",
            documents = new object[] { Documents[0], new { text = Documents[1], url = "https://example.org/1" }, Documents[2], Documents[3] },
            top_n = 3,
            return_documents = true,
        });

        ((int)response.StatusCode).Should().Be(200, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        Guid.TryParse(body.GetProperty("id").GetString(), out _).Should().BeTrue();
        body.GetProperty("meta").GetProperty("api_version").GetProperty("version").GetString().Should().Be("1");
        body.GetProperty("meta").GetProperty("billed_units").GetProperty("search_units").GetInt32().Should().Be(1);
        var results = body.GetProperty("results").EnumerateArray().ToArray();
        results.Should().HaveCount(3, "top_n = 3");
        results.Select(r => r.GetProperty("relevance_score").GetDouble()).Should().BeInDescendingOrder("best first")
            .And.OnlyContain(s => s >= 0 && s <= 1);
        results.Sum(r => r.GetProperty("relevance_score").GetDouble()).Should().BeLessThanOrEqualTo(1.0 + 1e-4, "the probabilities of being the best sum to at most 1");
        results.Select(r => r.GetProperty("index").GetInt32()).Should().OnlyHaveUniqueItems().And.OnlyContain(i => i >= 0 && i < 4);
        foreach (var result in results)
        {
            int index = result.GetProperty("index").GetInt32();
            var document = result.GetProperty("document");
            document.GetProperty("text").GetString().Should().Be(Documents[index]);
            if (index == 1) document.GetProperty("url").GetString().Should().Be("https://example.org/1", "an object document comes back with its other fields");
        }
    }

    [Fact]
    public async Task V2_ranks_every_document_without_texts_and_agrees_with_v1_and_the_native_order()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = await factory.ReadyClientAsync();

        var v2 = await (await client.PostJsonAsync("/v2/rerank", new { model = "rerank-v3.5", query = "tell me about the comet", documents = Documents })).JsonAsync();
        var v1 = await (await client.PostJsonAsync("/v1/rerank", new { query = "tell me about the comet", documents = Documents })).JsonAsync();
        var native = await (await client.PostJsonAsync("/v1/rank", new { context = "tell me about the comet", candidates = Documents, scenario = "passage" })).JsonAsync();

        v2.GetProperty("meta").GetProperty("api_version").GetProperty("version").GetString().Should().Be("2");
        var v2Results = v2.GetProperty("results").EnumerateArray().ToArray();
        v2Results.Should().HaveCount(4);
        v2Results.Where(r => r.TryGetProperty("document", out _)).Should().BeEmpty("documents come back only when asked for");
        v2Results.Select(r => r.GetProperty("relevance_score").GetDouble()).Should().BeInDescendingOrder().And.OnlyContain(s => s > 0 && s <= 1);
        var order = v2Results.Select(r => r.GetProperty("index").GetInt32()).ToArray();
        order.Should().BeEquivalentTo([0, 1, 2, 3]);
        v1.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("index").GetInt32()).Should().Equal(order);
        native.GetProperty("order").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(order, "all three APIs rank the same passages the same way");
    }

    [Fact]
    public async Task A_single_document_is_answered_without_the_model_and_top_n_beyond_the_list_returns_all()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = await factory.ReadyClientAsync();

        var one = await (await client.PostJsonAsync("/v1/rerank", new { query = "comet", documents = new[] { "only one" }, top_n = 5 })).JsonAsync();
        var two = await (await client.PostJsonAsync("/v2/rerank", new { model = "m", query = "comet", documents = new[] { "a", "b" }, top_n = 10 })).JsonAsync();

        one.GetProperty("results").EnumerateArray().Single().GetProperty("relevance_score").GetDouble().Should().Be(1.0);
        two.GetProperty("results").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task Object_documents_without_text_and_other_rank_fields_are_refused_naming_the_field()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = await factory.ReadyClientAsync();

        var noText = await client.PostJsonAsync("/v1/rerank", new { query = "q", documents = new object[] { "a", new { title = "b" } } });
        var number = await client.PostJsonAsync("/v1/rerank", new { query = "q", documents = new object[] { "a", 3 } });
        var fields = await client.PostJsonAsync("/v1/rerank", new { query = "q", documents = new[] { "a", "b" }, rank_fields = new[] { "title" } });

        (await noText.ShouldBeProblemAsync(400, "documents[1].text")).Should().Contain("'text'");
        await number.ShouldBeProblemAsync(400, "documents[1]");
        await fields.ShouldBeProblemAsync(400, "rank_fields");
    }

    [Fact]
    public async Task Documents_are_ranked_as_the_passages_the_model_was_trained_on()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = await factory.ReadyClientAsync();
        var trace = await (await client.PostJsonAsync("/v1/rank", new { context = "tell me about the comet", candidates = Documents, return_trace = true })).JsonAsync();

        trace.GetProperty("meta").GetProperty("scenario").GetString().Should().Be("passage", "the server's default scenario");
        trace.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("id").GetString())
            .Should().BeEquivalentTo(["passage 1", "passage 2", "passage 3", "passage 4"], "passages are named as in training");
        JsonSerializer.Serialize(trace).Should().NotContain("\"output\"", "Choice mode writes no text");
    }
}
