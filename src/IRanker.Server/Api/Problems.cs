using System.Globalization;

namespace IRanker.Server.Api;

/// <summary>
/// The server's error responses, all RFC 7807 problem bodies (<c>application/problem+json</c>) with a detail that says
/// what is wrong and what to do; a request error names its <c>field</c> and, for a limit, the <c>limit</c>.
/// </summary>
internal static class Problems
{
    /// <summary>400: a field is missing, malformed or beyond a limit.</summary>
    public static IResult Invalid(string field, string detail, long? limit = null) =>
        Problem(StatusCodes.Status400BadRequest, "Invalid request", detail, field, limit);

    /// <summary>
    /// 413: the body is larger than <see cref="ServerOptions.EffectiveMaxBodyBytes"/>; the detail names the document
    /// limits it fits and the setting that raises it.
    /// </summary>
    public static IResult BodyTooLarge(ServerOptions options)
    {
        long limit = options.EffectiveMaxBodyBytes;
        bool derived = options.MaxBodyBytes is null;
        string documentLimits = $"at most {options.MaxDocuments:N0} documents (IRanker:MaxDocuments) of at most {options.MaxDocumentChars:N0} characters each " +
            $"(IRanker:MaxDocumentChars), {options.MaxTotalChars:N0} characters in all (IRanker:MaxTotalChars)";
        return Problem(StatusCodes.Status413PayloadTooLarge, "Request body too large",
            $"The request body is larger than {limit:N0} bytes, this server's body limit (IRanker:MaxBodyBytes" +
            (derived ? $", derived from its document limits: {documentLimits}). " : $"; its document limits: {documentLimits}). ") +
            "Send fewer or shorter documents, or split the request; an operator raises the limit with IRanker:MaxBodyBytes" +
            (derived ? ", or with the document limits it is derived from." : "."), "body", limit);
    }

    /// <summary>408 or 400: the body could not be read (too slow, or broken framing).</summary>
    public static IResult UnreadableBody(int status, string reason) => Problem(status, "Request body unreadable",
        $"The request body could not be read: {reason}", "body");

    /// <summary>415: the body is not declared as JSON.</summary>
    public static IResult NotJson(string? contentType) => Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
        $"The request body must be JSON with 'Content-Type: application/json' (it was {(string.IsNullOrEmpty(contentType) ? "not given" : $"'{contentType}'")}).", "Content-Type");

    /// <summary>401: no or a wrong API key.</summary>
    public static IResult Unauthorized(string detail) => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", detail, "Authorization");

    /// <summary>429 with <c>Retry-After</c>: the queue holds <see cref="ServerOptions.QueueCapacity"/> requests; <c>limit</c> is that capacity.</summary>
    public static IResult QueueFull(int capacity, int retryAfterSeconds) => new RetryAfter(Problem(StatusCodes.Status429TooManyRequests, "Too many requests",
        $"All {capacity:N0} places in the ranking queue are taken (IRanker:QueueCapacity). Retry after {retryAfterSeconds} s, or send to another replica; " +
        "an operator raises the bound with IRanker:QueueCapacity.", null, capacity),
        retryAfterSeconds);

    /// <summary>
    /// 429 with <c>Retry-After</c>: the request's text would take the waiting requests' text over
    /// <see cref="ServerOptions.QueueBytes"/>; <c>limit</c> is that bound in bytes.
    /// </summary>
    public static IResult QueueBytesFull(long limitBytes, long requestBytes, int retryAfterSeconds) => new RetryAfter(Problem(StatusCodes.Status429TooManyRequests, "Too many requests",
        $"The requests waiting in the ranking queue hold too much text for this one's {requestBytes:N0} bytes: together they may hold at most {limitBytes:N0} bytes " +
        $"(IRanker:QueueBytes). Retry after {retryAfterSeconds} s, or send to another replica; an operator raises the bound with IRanker:QueueBytes.", null, limitBytes),
        retryAfterSeconds);

    /// <summary>429 with <c>Retry-After</c>: the server is at its memory bound with requests waiting or ranking.</summary>
    public static IResult MemoryFull(int limitMB, int retryAfterSeconds) => new RetryAfter(Problem(StatusCodes.Status429TooManyRequests, "Too many requests",
        $"The server is at its memory bound of {limitMB:N0} MiB (IRanker:MaxMemoryMB) with other requests waiting or ranking. Retry after {retryAfterSeconds} s, or send to another replica.", null, limitMB),
        retryAfterSeconds);

    /// <summary>503 with <c>Retry-After</c>: the model is still loading.</summary>
    public static IResult NotReady(string? failure, int retryAfterSeconds) => new RetryAfter(Problem(StatusCodes.Status503ServiceUnavailable, "Model not ready",
        failure is null ? "The model is still loading; GET /health/ready says when it is ready." : $"The model could not be loaded: {failure}"),
        retryAfterSeconds);

    /// <summary>503 with <c>Retry-After</c>: the server is shutting down.</summary>
    public static IResult Stopping(int retryAfterSeconds) => new RetryAfter(Problem(StatusCodes.Status503ServiceUnavailable, "Shutting down",
        "The server is shutting down and takes no new work; send the request to another replica."), retryAfterSeconds);

    private static IResult Problem(int status, string title, string detail, string? field = null, long? limit = null)
    {
        var extensions = new Dictionary<string, object?>();
        if (field is not null) extensions["field"] = field;
        if (limit is not null) extensions["limit"] = limit;
        return TypedResults.Problem(detail, statusCode: status, title: title, extensions: extensions);
    }

    /// <summary>Adds <c>Retry-After</c> to a response.</summary>
    private sealed class RetryAfter(IResult inner, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
