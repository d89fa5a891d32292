using System.Text.Json;
using IRanker.Model;
using IRanker.Model.Answers;
using IRanker.Server.Hosting;

namespace IRanker.Server.Api.Native;

/// <summary>
/// <c>POST /v1/rank</c>: IRanker's own API. A context and candidates (with optional IDs), a scenario and task, a
/// decoding mode where the server allows it; returns the full order, scores and, on request, the elimination trace.
/// </summary>
internal static partial class RankEndpoint
{
    public static void Map(IEndpointRouteBuilder app) =>
        app.MapPost("/v1/rank", (HttpContext context, RankingService service, ILoggerFactory logs) =>
                HandleAsync(context, service, logs.CreateLogger(typeof(RankEndpoint))))
            .WithName("Rank")
            .WithSummary("IRanker's ranking by iterative elimination")
            .WithDescription("Ranks the candidates against the context; returns the full order, the scores and, with return_trace, every elimination step.")
            .Accepts<RankRequest>("application/json")
            .Produces<RankResponse>()
            .ProducesRankingProblems();

    private static async Task<IResult> HandleAsync(HttpContext context, RankingService service, ILogger logger)
    {
        var options = service.Options;
        var (request, problem) = await JsonBody.ReadAsync<RankRequest>(context, options).ConfigureAwait(false);
        if (problem is not null) return problem;
        var limits = new TextLimits(options);
        if ((problem = limits.Query("context", request!.Context) ?? limits.Count("candidates", request.Candidates?.Count)) is not null) return problem;

        var scenario = options.Scenario;
        if (request.Scenario is not null && !TryParseName(request.Scenario, out scenario))
            return Problems.Invalid("scenario", $"'scenario' is '{request.Scenario}'; use one of {Names<RankingScenario>()}.");
        string? task = request.Scenario is null ? request.Task ?? options.Task : request.Task;
        if (task is not null && (problem = limits.Document("task", task)) is not null) return problem;
        var mode = service.DefaultMode;
        if (request.Mode is not null && (!TryParseName(request.Mode, out mode) || !service.AllowedModes.Contains(mode)))
            return Problems.Invalid("mode", $"'mode' is '{request.Mode}'; this server allows {string.Join(", ", service.AllowedModes.Order().Select(m => m.ToString().ToLowerInvariant()))} (IRanker:AllowedModes).");
        if (request.TopN is < 1) return Problems.Invalid("top_n", $"'top_n' must be at least 1 (it is {request.TopN}); leave it out to list every candidate.");

        var (candidates, invalid) = Candidates(request.Candidates!, scenario, limits);
        if (invalid is not null) return invalid;
        request.Candidates = null;   // the parsed JSON goes: while the request waits it holds its texts (IRanker:QueueBytes)
        var query = new RankingQuery(request.Context!, candidates!, scenario, task);
        if (options.LogTexts) LogTexts(logger, request.Context!, candidates!.Select(c => c.Text).ToArray());
        var schedule = service.ScheduleFor(candidates!.Count, mode);
        var (result, refused) = await RankingCall.RunAsync(context, service, query, mode, schedule).ConfigureAwait(false);
        if (result is null) return refused ?? Results.Empty;

        int count = candidates!.Count;
        var scores = result.Scores();
        var relevance = result.Relevance();
        var results = result.Order.Take(Math.Min(request.TopN ?? count, count))
            .Select((index, rank) => new RankedCandidate(index, candidates[index].Id, rank + 1, scores[index], relevance[index]))
            .ToArray();
        var trace = request.ReturnTrace == true
            ? result.Steps.Select(s => new TraceStep(s.Step, s.Eliminated, candidates[s.Eliminated].Id, s.Match.ToString().ToLowerInvariant(), s.Confidence,
                mode == DecodingMode.Choice || s.Match == AnswerMatch.LastRemaining ? null : s.ModelOutput)).ToArray()
            : null;
        var meta = new RankMeta(scenario.ToString().ToLowerInvariant(), task, mode.ToString().ToLowerInvariant(), count, schedule.ToString());
        return TypedResults.Ok(new RankResponse(Guid.NewGuid().ToString(), result.Order, results, trace, meta));
    }

    /// <summary>Strings, or objects with a string <c>text</c> and an optional string <c>id</c> (on every candidate or on none, unique).</summary>
    private static (List<RankingCandidate>? Candidates, IResult? Problem) Candidates(List<JsonElement> items, RankingScenario scenario, TextLimits limits)
    {
        var texts = new string[items.Count];
        var ids = new string?[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            string field = $"candidates[{i}]";
            var item = items[i];
            bool malformed = false;
            if (item.ValueKind == JsonValueKind.String)
            {
                texts[i] = JsonBody.StringOf(item, out malformed)!;
            }
            else if (item.ValueKind == JsonValueKind.Object)
            {
                if (!item.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    return (null, Problems.Invalid(field + ".text", $"'{field}' has no string 'text': a candidate object needs its text in 'text'."));
                texts[i] = JsonBody.StringOf(text, out malformed)!;
                if (!malformed && item.TryGetProperty("id", out var id) && id.ValueKind != JsonValueKind.Null)
                {
                    string? given = JsonBody.StringOf(id, out malformed);
                    if (!malformed && string.IsNullOrWhiteSpace(given))
                        return (null, Problems.Invalid(field + ".id", $"'{field}.id' must be a non-blank string (or left out)."));
                    ids[i] = given;
                }
            }
            else
            {
                return (null, Problems.Invalid(field, $"'{field}' must be a string or an object with a string 'text' and an optional 'id'."));
            }
            if (malformed) return (null, Problems.Invalid(field, $"'{field}' contains an unpaired UTF-16 surrogate: send well-formed Unicode text."));
            IResult? problem = limits.Document(field, texts[i]) ?? (ids[i] is { } idText ? limits.Document(field + ".id", idText) : null);
            if (problem is not null) return (null, problem);
        }

        int withId = ids.Count(id => id is not null);
        if (withId > 0 && withId < ids.Length)
        {
            int first = Array.FindIndex(ids, id => id is null);
            return (null, Problems.Invalid($"candidates[{first}].id", $"'candidates[{first}]' has no 'id' but other candidates have one: give an id to every candidate or to none."));
        }
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < ids.Length && withId > 0; i++)
        {
            if (!seen.TryAdd(ids[i]!.Trim(), i))
                return (null, Problems.Invalid($"candidates[{i}].id", $"'candidates[{i}].id' repeats the id of candidates[{seen[ids[i]!.Trim()]}]: ids must be unique."));
        }
        var names = withId > 0 ? ids.Select(id => id!.Trim()).ToArray() : DefaultCandidateIds.For(scenario, texts);
        return (texts.Select((t, i) => new RankingCandidate(names[i], t)).ToList(), null);
    }

    private static bool TryParseName<T>(string text, out T value) where T : struct, Enum =>
        Enum.TryParse(text.Trim(), ignoreCase: true, out value) && Enum.IsDefined(value) && !int.TryParse(text, out _);

    private static string Names<T>() where T : struct, Enum => string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()));

    [LoggerMessage(Level = LogLevel.Information, Message = "rank: context {Context}; candidates {Candidates}")]
    private static partial void LogTexts(ILogger logger, string context, string[] candidates);
}
