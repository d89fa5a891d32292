using System.Text.Json;
using System.Text.Json.Serialization;

namespace IRanker.Server.Api.Cohere;

/// <summary>The response of the rerank endpoints, as in Cohere's rerank API.</summary>
/// <param name="Id">A new identifier per response.</param>
/// <param name="Results">The documents, best first (at most <c>top_n</c>).</param>
/// <param name="Meta">The API version and billed units.</param>
internal sealed record CohereRerankResponse(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("results")] IReadOnlyList<CohereRerankResult> Results,
    [property: JsonPropertyName("meta")] CohereMeta Meta);

/// <summary>One ranked document.</summary>
/// <param name="Index">Its position in the request's <c>documents</c>.</param>
/// <param name="RelevanceScore">In [0, 1], higher is better: the model's probability that the document is the best of the list (docs/serving.md).</param>
/// <param name="Document">The document as sent (a string comes back as <c>{"text": ...}</c>), with <c>return_documents</c>.</param>
internal sealed record CohereRerankResult(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("relevance_score")] double RelevanceScore,
    [property: JsonPropertyName("document"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Document);

/// <summary>Cohere's <c>meta</c> object, with the elimination schedule that ranked the documents.</summary>
/// <param name="ApiVersion">The API version answered.</param>
/// <param name="BilledUnits">One search unit per 100 documents.</param>
/// <param name="Schedule">IRanker's field: the elimination schedule (<c>OnePerStep</c>, or the long-list schedule such as <c>Fraction(0.5, 5)</c> over <c>IRanker:LongListDocuments</c>).</param>
internal sealed record CohereMeta(
    [property: JsonPropertyName("api_version")] CohereApiVersion ApiVersion,
    [property: JsonPropertyName("billed_units")] CohereBilledUnits BilledUnits,
    [property: JsonPropertyName("schedule")] string Schedule);

/// <summary>The API version answered.</summary>
internal sealed record CohereApiVersion([property: JsonPropertyName("version")] string Version);

/// <summary>One search unit per request, as Cohere counts a rerank of up to 100 documents.</summary>
internal sealed record CohereBilledUnits([property: JsonPropertyName("search_units")] int SearchUnits);
