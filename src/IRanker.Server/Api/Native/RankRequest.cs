using System.Text.Json;
using System.Text.Json.Serialization;

namespace IRanker.Server.Api.Native;

/// <summary>The body of <c>POST /v1/rank</c>: IRanker's own request.</summary>
internal sealed class RankRequest
{
    /// <summary>The context shown before the candidates: a search query, a user's history, a routed query.</summary>
    [JsonPropertyName("context")] public string? Context { get; set; }

    /// <summary>The candidates: strings, or objects <c>{"id": ..., "text": ...}</c>; the id (optional, for every candidate or none) is the name the model sees and answers with.</summary>
    [JsonPropertyName("candidates")] public List<JsonElement>? Candidates { get; set; }

    /// <summary><c>generic</c>, <c>recommendation</c>, <c>routing</c> or <c>passage</c>; default the server's scenario.</summary>
    [JsonPropertyName("scenario")] public string? Scenario { get; set; }

    /// <summary>The task within the scenario (<c>Movie</c>, <c>Performance</c>, <c>Passage-5</c>, ...); default the server's task.</summary>
    [JsonPropertyName("task")] public string? Task { get; set; }

    /// <summary><c>choice</c>, <c>answer</c> or <c>reasoning</c>, where the server allows it; default the model's own mode.</summary>
    [JsonPropertyName("mode")] public string? Mode { get; set; }

    /// <summary>How many results to list, best first; default all. The full order is always returned.</summary>
    [JsonPropertyName("top_n")] public int? TopN { get; set; }

    /// <summary>Return every elimination step. Default false.</summary>
    [JsonPropertyName("return_trace")] public bool? ReturnTrace { get; set; }
}
