namespace IRanker.Server.Api;

/// <summary>
/// Fills in the problems that ASP.NET Core's routing answers by itself (no such path, wrong method, body not JSON)
/// with a detail and the field, like the server's own problems.
/// </summary>
internal static class RoutingProblems
{
    private const string Endpoints = "POST /v1/rerank, POST /v2/rerank, POST /v1/rank, GET /health/live, GET /health/ready, GET /metrics, GET /openapi/v1.json";

    public static void Explain(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("field")) return;
        var request = context.HttpContext.Request;
        switch (problem.Status)
        {
            case StatusCodes.Status404NotFound:
                problem.Detail ??= $"There is no endpoint at '{request.Path}'. The endpoints are: {Endpoints}.";
                problem.Extensions["field"] = "path";
                break;
            case StatusCodes.Status405MethodNotAllowed:
                problem.Detail ??= $"'{request.Path}' does not take {request.Method}. The endpoints are: {Endpoints}.";
                problem.Extensions["field"] = "method";
                break;
            case StatusCodes.Status415UnsupportedMediaType:
                problem.Detail ??= $"The request body must be JSON with 'Content-Type: application/json' (it was {(string.IsNullOrEmpty(request.ContentType) ? "not given" : $"'{request.ContentType}'")}).";
                problem.Extensions["field"] = "Content-Type";
                break;
        }
    }
}
