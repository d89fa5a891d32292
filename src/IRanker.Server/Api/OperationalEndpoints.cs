using IRanker.Server.Metrics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace IRanker.Server.Api;

/// <summary>
/// The endpoints for operators: <c>GET /health/live</c> (the process answers), <c>GET /health/ready</c> (the model is
/// loaded and warmed up; 503 before), <c>GET /metrics</c> (Prometheus text) and <c>GET /openapi/v1.json</c>.
/// </summary>
internal static class OperationalEndpoints
{
    /// <summary>The tag of the health checks that <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    public static void Map(WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        app.MapGet("/metrics", (ServerMetrics metrics) => Results.Text(metrics.Exposition(), PrometheusText.ContentType))
            .ExcludeFromDescription();
        app.MapOpenApi();
    }
}
