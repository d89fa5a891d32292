namespace IRanker.Server.Api;

/// <summary>The problem responses every ranking endpoint can give, declared once for the OpenAPI document.</summary>
internal static class RankingProblemResponses
{
    /// <summary>400 (invalid), 401 (API key), 413 (body size), 415 (not JSON), 429 (queue or memory full), 503 (not ready or stopping).</summary>
    public static RouteHandlerBuilder ProducesRankingProblems(this RouteHandlerBuilder builder) =>
        builder.ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
