using System.Diagnostics;

namespace IRanker.Server.Metrics;

/// <summary>Counts every request by route pattern, method and status, and times it.</summary>
internal sealed class RequestMetricsMiddleware(RequestDelegate next, ServerMetrics metrics)
{
    /// <summary>The status recorded when the client closed the connection before the response (nginx's convention).</summary>
    public const int ClientClosedRequest = 499;

    public async Task InvokeAsync(HttpContext context)
    {
        long started = Stopwatch.GetTimestamp();
        var matched = context.GetEndpoint();   // routing ran first; the exception handler clears it when it re-executes
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            // The route pattern, never the raw path, so that a scan of random paths cannot grow the label set.
            string route = ((context.GetEndpoint() ?? matched) as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            int status = context.RequestAborted.IsCancellationRequested ? ClientClosedRequest : context.Response.StatusCode;
            string method = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsPost(context.Request.Method) ? context.Request.Method : "other";
            metrics.Request(route, method, status, Stopwatch.GetElapsedTime(started));
        }
    }
}
