using IRanker.Model;
using IRanker.Model.Elimination;
using IRanker.Server.Tests.Support;

namespace IRanker.Server.Tests;

/// <summary>IRanker's own API, <c>POST /v1/rank</c>.</summary>
[Collection(ServerCollection.Name)]
public sealed class RankEndpointTests(TinyModels models)
{
    private static readonly string[] Ids = ["Dune (1965)", "Solaris (1961)", "Emma (1815)"];

    private static readonly object[] Candidates =
    [
        new { id = Ids[0], text = "a desert planet saga" },
        new { id = Ids[1], text = "an ocean that thinks" },
        new { id = Ids[2], text = "a comedy of manners" },
    ];

    [Fact]
    public async Task Returns_the_full_order_scores_and_the_elimination_trace_with_the_given_ids()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = await factory.ReadyClientAsync();

        var response = await client.PostJsonAsync("/v1/rank", new
        {
            context = "Foundation (1951)\nHyperion (1989)", candidates = Candidates, scenario = "recommendation", task = "Movie", top_n = 2, return_trace = true,
        });

        ((int)response.StatusCode).Should().Be(200, await response.Content.ReadAsStringAsync());
        var body = await response.JsonAsync();
        var order = body.GetProperty("order").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        order.Should().BeEquivalentTo([0, 1, 2], "the full order, whatever top_n");
        var results = body.GetProperty("results").EnumerateArray().ToArray();
        results.Should().HaveCount(2);
        results.Select(r => r.GetProperty("index").GetInt32()).Should().Equal(order.Take(2));
        results.Select(r => r.GetProperty("rank").GetInt32()).Should().Equal(1, 2);
        results.Select(r => r.GetProperty("score").GetSingle()).Should().Equal(3f, 2f);
        results[0].GetProperty("id").GetString().Should().Be(Ids[order[0]]);
        var trace = body.GetProperty("trace").EnumerateArray().ToArray();
        trace.Should().HaveCount(3, "two eliminations, then the survivor");
        trace.Select(s => s.GetProperty("eliminated").GetInt32()).Should().Equal(order.Reverse());
        trace[0].GetProperty("match").GetString().Should().Be("choice");
        trace[0].GetProperty("confidence").GetSingle().Should().BeInRange(0f, 1f);
        trace[^1].GetProperty("match").GetString().Should().Be("lastremaining");
        var meta = body.GetProperty("meta");
        meta.GetProperty("scenario").GetString().Should().Be("recommendation");
        meta.GetProperty("task").GetString().Should().Be("Movie");
        meta.GetProperty("mode").GetString().Should().Be("choice");
    }

    [Fact]
    public async Task Answer_mode_is_allowed_by_default_and_reasoning_is_not()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip, ("TokenBudget", "4096"));
        var client = await factory.ReadyClientAsync();

        var answer = await client.PostJsonAsync("/v1/rank", new { context = "comet", candidates = new[] { "a comet", "a banana" }, mode = "Answer", return_trace = true });
        var reasoning = await client.PostJsonAsync("/v1/rank", new { context = "comet", candidates = new[] { "a comet", "a banana" }, mode = "reasoning" });
        var unknown = await client.PostJsonAsync("/v1/rank", new { context = "comet", candidates = new[] { "a", "b" }, mode = "guess" });

        ((int)answer.StatusCode).Should().Be(200, await answer.Content.ReadAsStringAsync());
        var body = await answer.JsonAsync();
        body.GetProperty("meta").GetProperty("mode").GetString().Should().Be("answer");
        body.GetProperty("trace")[0].TryGetProperty("output", out _).Should().BeTrue("Answer mode shows what the model wrote");
        (await reasoning.ShouldBeProblemAsync(400, "mode")).Should().Contain("AllowedModes");
        await unknown.ShouldBeProblemAsync(400, "mode");
    }

    [Fact]
    public async Task A_Hugging_Face_folder_ranks_exactly_as_the_model_does_in_process()
    {
        using var factory = ServerFactory.ForModel(models.ModelFolder);
        var client = await factory.ReadyClientAsync();
        var query = PassageRows.Queries(groups: 3).Last();

        var body = await (await client.PostJsonAsync("/v1/rank", new
        {
            context = query.Context, candidates = query.Candidates.Select(c => c.Text).ToArray(), scenario = "Passage",
        })).JsonAsync();

        using var model = IRankerModel.Load(models.ModelFolder);
        var expected = new IterativeRanker(model).Rank([query with { Candidates = query.Candidates.Select(c => c with { Label = null }).ToArray() }])[0];
        body.GetProperty("order").EnumerateArray().Select(e => e.GetInt32()).Should().Equal(expected.Order);
    }

    [Fact]
    public async Task Wrong_scenarios_ids_and_candidates_are_refused_naming_the_field()
    {
        using var factory = ServerFactory.ForModel(models.ModelZip);
        var client = await factory.ReadyClientAsync();

        await (await client.PostJsonAsync("/v1/rank", new { context = "c", candidates = new[] { "a", "b" }, scenario = "weather" })).ShouldBeProblemAsync(400, "scenario");
        await (await client.PostJsonAsync("/v1/rank", new { context = "c", candidates = new object[] { new { id = "x", text = "a" }, new { id = "x", text = "b" } } }))
            .ShouldBeProblemAsync(400, "candidates[1].id");
        await (await client.PostJsonAsync("/v1/rank", new { context = "c", candidates = new object[] { new { id = "x", text = "a" }, new { text = "b" } } }))
            .ShouldBeProblemAsync(400, "candidates[1].id");
        await (await client.PostJsonAsync("/v1/rank", new { context = "c", candidates = new object[] { new { id = " ", text = "a" }, new { id = "y", text = "b" } } }))
            .ShouldBeProblemAsync(400, "candidates[0].id");
        await (await client.PostJsonAsync("/v1/rank", new { context = "c", candidates = new object[] { "a", new[] { 1 } } })).ShouldBeProblemAsync(400, "candidates[1]");
        await (await client.PostJsonAsync("/v1/rank", new { candidates = new[] { "a", "b" } })).ShouldBeProblemAsync(400, "context");
        await (await client.PostJsonAsync("/v1/rank", new { context = "c", candidates = new[] { "a", "b" }, top_n = 0 })).ShouldBeProblemAsync(400, "top_n");
    }
}
