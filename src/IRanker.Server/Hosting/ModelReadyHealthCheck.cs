using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace IRanker.Server.Hosting;

/// <summary>Healthy once the model is loaded and a warm-up ranking ran (<c>GET /health/ready</c>).</summary>
internal sealed class ModelReadyHealthCheck(RankingService service) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(service.IsReady ? HealthCheckResult.Healthy(service.ModelDescription)
            : service.Failure is { } failure ? HealthCheckResult.Unhealthy($"The model could not be loaded: {failure}")
            : HealthCheckResult.Unhealthy("The model is loading."));
}
