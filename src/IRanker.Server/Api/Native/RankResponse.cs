using System.Text.Json.Serialization;
using IRanker.Model;

namespace IRanker.Server.Api.Native;

/// <summary>The response of <c>POST /v1/rank</c>.</summary>
/// <param name="Id">A new identifier per response.</param>
/// <param name="Order">Every candidate's index, best first (the survivor of the elimination first).</param>
/// <param name="Results">The best <c>top_n</c> candidates with their scores.</param>
/// <param name="Trace">Each elimination step in the order it happened, with <c>return_trace</c>.</param>
/// <param name="Meta">How the list was ranked.</param>
internal sealed record RankResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("order")] IReadOnlyList<int> Order,
    [property: JsonPropertyName("results")] IReadOnlyList<RankedCandidate> Results,
    [property: JsonPropertyName("trace"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<TraceStep>? Trace,
    [property: JsonPropertyName("meta")] RankMeta Meta);

/// <summary>One ranked candidate.</summary>
/// <param name="Index">Its position in the request's <c>candidates</c>.</param>
/// <param name="Id">The ID the model saw.</param>
/// <param name="Rank">1 for the best.</param>
/// <param name="Score">N for the best of N candidates down to 1 for the first eliminated (as the ML.NET transformer scores).</param>
/// <param name="RelevanceScore">The model's probability that the candidate is the best of the list, in [0, 1] (<c>RankingResult.Relevance</c>).</param>
internal sealed record RankedCandidate(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("rank")] int Rank,
    [property: JsonPropertyName("score")] float Score,
    [property: JsonPropertyName("relevance_score")] double RelevanceScore);

/// <summary>One elimination step.</summary>
/// <param name="Step">0-based step number.</param>
/// <param name="Eliminated">The index of the candidate eliminated.</param>
/// <param name="Id">Its ID.</param>
/// <param name="Match">How the model's answer was matched: <c>choice</c>, <c>exact</c>, <c>normalized</c>, <c>fuzzy</c>, <c>nearest</c>, <c>lastremaining</c>.</param>
/// <param name="Confidence">Choice mode: the probability of the eliminated ID among those remaining.</param>
/// <param name="Output">Answer and Reasoning modes: what the model wrote.</param>
internal sealed record TraceStep(
    [property: JsonPropertyName("step")] int Step,
    [property: JsonPropertyName("eliminated")] int Eliminated,
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("match")] string Match,
    [property: JsonPropertyName("confidence"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float? Confidence,
    [property: JsonPropertyName("output"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Output);

/// <summary>How the list was ranked.</summary>
internal sealed record RankMeta(
    [property: JsonPropertyName("scenario")] string Scenario,
    [property: JsonPropertyName("task"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Task,
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("candidates")] int Candidates);
