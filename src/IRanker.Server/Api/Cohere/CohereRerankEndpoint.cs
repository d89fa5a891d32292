using System.Text.Json;
using IRanker.Model;
using IRanker.Model.Answers;
using IRanker.Server.Hosting;

namespace IRanker.Server.Api.Cohere;

/// <summary>
/// <c>POST /v1/rerank</c> and <c>POST /v2/rerank</c>: Cohere's rerank API over the served model, so Cohere's SDKs work
/// with only their base URL changed. Documents are ranked as the configured scenario's candidates
/// (<see cref="ServerOptions.Scenario"/>, passages by default) in the model's own decoding mode.
/// </summary>
internal static partial class CohereRerankEndpoint
{
    public static void Map(IEndpointRouteBuilder app)
    {
        foreach (int version in (int[])[1, 2])
        {
            app.MapPost($"/v{version}/rerank", (HttpContext context, RankingService service, ILoggerFactory logs) =>
                    HandleAsync(context, service, logs.CreateLogger(typeof(CohereRerankEndpoint)), version))
                .WithName($"RerankV{version}")
                .WithSummary($"Cohere-compatible rerank, API v{version}")
                .WithDescription("Ranks the documents against the query, best first. relevance_score is the model's probability that the document is the best of the list (RankingResult.Relevance).")
                .Accepts<CohereRerankRequest>("application/json")
                .Produces<CohereRerankResponse>()
                .ProducesRankingProblems();
        }
    }

    private static async Task<IResult> HandleAsync(HttpContext context, RankingService service, ILogger logger, int version)
    {
        var options = service.Options;
        var (request, problem) = await JsonBody.ReadAsync<CohereRerankRequest>(context, options).ConfigureAwait(false);
        if (problem is not null) return problem;
        var limits = new TextLimits(options);
        if ((problem = limits.Query("query", request!.Query) ?? limits.Count("documents", request.Documents?.Count)) is not null) return problem;
        if (request.RankFields is { } fields && !(fields.Count == 1 && fields[0] == "text"))
            return Problems.Invalid("rank_fields", "'rank_fields' can only be [\"text\"] on this server: put what should be ranked into each document's 'text'.");
        if (request.TopN is < 1) return Problems.Invalid("top_n", $"'top_n' must be at least 1 (it is {request.TopN}); leave it out to get every document.");

        var (texts, invalid) = Texts(request.Documents!, limits);
        if (invalid is not null) return invalid;
        // While the request waits, it holds its texts (counted against IRanker:QueueBytes) and, only when they are to be
        // returned, its object documents as sent; its other parsed JSON goes now.
        bool withDocuments = request.ReturnDocuments ?? false;
        var objects = withDocuments ? request.Documents!.Select(d => d.ValueKind == JsonValueKind.Object ? d : default).ToArray() : null;
        request.Documents = null;

        var ids = DefaultCandidateIds.For(options.Scenario, texts);
        var query = new RankingQuery(request.Query!, texts.Select((t, i) => new RankingCandidate(ids[i], t)).ToArray(), options.Scenario, options.Task);
        if (options.LogTexts) LogTexts(logger, version, request.Query!, texts);
        var mode = service.DefaultMode;
        var schedule = service.ScheduleFor(texts.Length, mode);
        var (result, refused) = await RankingCall.RunAsync(context, service, query, mode, schedule).ConfigureAwait(false);
        if (result is null) return refused ?? Results.Empty;

        int count = texts.Length;
        int topN = Math.Min(request.TopN ?? count, count);
        var relevance = result.Relevance();
        var results = result.Order.Take(topN).Select(index => new CohereRerankResult(index, relevance[index],
            objects is null ? null : DocumentOf(objects[index], texts[index]))).ToArray();
        var meta = new CohereMeta(new CohereApiVersion(version.ToString(System.Globalization.CultureInfo.InvariantCulture)), new CohereBilledUnits((count + 99) / 100), schedule.ToString());
        return TypedResults.Ok(new CohereRerankResponse(Guid.NewGuid().ToString(), results, meta));
    }

    /// <summary>The text of each document (a string, or an object's <c>text</c>), within the limits.</summary>
    private static (string[] Texts, IResult? Problem) Texts(List<JsonElement> documents, TextLimits limits)
    {
        var texts = new string[documents.Count];
        for (int i = 0; i < documents.Count; i++)
        {
            string field = $"documents[{i}]";
            var document = documents[i];
            bool malformed = false;
            string? text = document.ValueKind switch
            {
                JsonValueKind.String => JsonBody.StringOf(document, out malformed),
                JsonValueKind.Object when document.TryGetProperty("text", out var t) => JsonBody.StringOf(t, out malformed),
                _ => null,
            };
            if (malformed) return (texts, Problems.Invalid(field, $"'{field}' contains an unpaired UTF-16 surrogate: send well-formed Unicode text."));
            if (text is null)
                return (texts, Problems.Invalid(document.ValueKind == JsonValueKind.Object ? field + ".text" : field,
                    document.ValueKind == JsonValueKind.Object
                        ? $"'{field}' has no string 'text': an object document needs the text to rank in 'text'."
                        : $"'{field}' must be a string or an object with a string 'text'."));
            if (limits.Document(field, text) is { } problem) return (texts, problem);
            texts[i] = text;
        }
        return (texts, null);
    }

    /// <summary>An object document comes back as sent (<paramref name="document"/>), a string one as <c>{"text": ...}</c>.</summary>
    private static JsonElement DocumentOf(JsonElement document, string text) =>
        document.ValueKind == JsonValueKind.Object ? document : JsonSerializer.SerializeToElement(new Dictionary<string, string?> { ["text"] = text });

    [LoggerMessage(Level = LogLevel.Information, Message = "rerank v{Version}: query {Query}; documents {Documents}")]
    private static partial void LogTexts(ILogger logger, int version, string query, string[] documents);
}
