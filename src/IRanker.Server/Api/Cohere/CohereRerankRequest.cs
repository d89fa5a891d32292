using System.Text.Json;
using System.Text.Json.Serialization;

namespace IRanker.Server.Api.Cohere;

/// <summary>The body of <c>POST /v1/rerank</c> and <c>POST /v2/rerank</c>, as in Cohere's rerank API.</summary>
internal sealed class CohereRerankRequest
{
    /// <summary>The model's name; accepted and ignored (the server serves one model).</summary>
    [JsonPropertyName("model")] public string? Model { get; set; }

    /// <summary>The search query.</summary>
    [JsonPropertyName("query")] public string? Query { get; set; }

    /// <summary>The documents: strings, or objects with a string <c>text</c> (their other fields come back unchanged).</summary>
    [JsonPropertyName("documents")] public List<JsonElement>? Documents { get; set; }

    /// <summary>How many results to return, best first; default all.</summary>
    [JsonPropertyName("top_n")] public int? TopN { get; set; }

    /// <summary>Return each document with its result. Default false.</summary>
    [JsonPropertyName("return_documents")] public bool? ReturnDocuments { get; set; }

    /// <summary>The fields of object documents to rank on; only <c>["text"]</c> is supported.</summary>
    [JsonPropertyName("rank_fields")] public List<string>? RankFields { get; set; }

    /// <summary>Cohere's chunking setting; accepted and ignored (documents are limited by IRanker:MaxDocumentChars instead).</summary>
    [JsonPropertyName("max_chunks_per_doc")] public int? MaxChunksPerDoc { get; set; }

    /// <summary>Cohere's truncation setting (v2); accepted and ignored (documents are limited by IRanker:MaxDocumentChars instead).</summary>
    [JsonPropertyName("max_tokens_per_doc")] public int? MaxTokensPerDoc { get; set; }
}
