using IRanker.Server.Api;
using IRanker.Server.Api.Cohere;
using IRanker.Server.Api.Native;
using IRanker.Server.Hosting;
using IRanker.Server.Metrics;
using IRanker.Server.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace IRanker.Server;

/// <summary>Composes the server: settings, the ranking pipeline, middleware and endpoints.</summary>
internal static class ServerApp
{
    /// <summary>Short command-line switches for the common settings (any setting also works as <c>--IRanker:Name=value</c>).</summary>
    private static readonly Dictionary<string, string> Switches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["--model"] = $"{ServerOptions.Section}:{nameof(ServerOptions.Model)}",
        ["--api-key"] = $"{ServerOptions.Section}:{nameof(ServerOptions.ApiKey)}",
        ["--batching"] = $"{ServerOptions.Section}:{nameof(ServerOptions.Batching)}",
    };

    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddCommandLine(args, Switches);
        // One line per request at Information would cost more than a small model's ranking; the health check's
        // "Unhealthy" while the model loads is not an error.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);
        var services = builder.Services;
        services.AddOptions<ServerOptions>().Bind(builder.Configuration.GetSection(ServerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ServerOptions>, ServerOptionsValidator>();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, ConfigureKestrel>();
        services.AddSingleton<IConfigureOptions<HostOptions>, ConfigureShutdown>();
        services.AddProblemDetails(problems => problems.CustomizeProblemDetails = RoutingProblems.Explain);
        services.AddOpenApi();
        services.AddHealthChecks().AddCheck<ModelReadyHealthCheck>("model", tags: [OperationalEndpoints.ReadyTag]);
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<RankingService>();
        services.AddSingleton<IRankingBackendLoader, ModelBackendLoader>();
        services.AddHostedService<RankingWorker>();

        var app = builder.Build();
        app.UseMiddleware<RequestMetricsMiddleware>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<ApiKeyMiddleware>();
        OperationalEndpoints.Map(app);
        CohereRerankEndpoint.Map(app);
        RankEndpoint.Map(app);
        return app;
    }

    /// <summary>Kestrel refuses bodies over <see cref="ServerOptions.EffectiveMaxBodyBytes"/> too; its minimum data rate drops slow bodies.</summary>
    private sealed class ConfigureKestrel(IOptions<ServerOptions> options) : IConfigureOptions<KestrelServerOptions>
    {
        public void Configure(KestrelServerOptions kestrel)
        {
            kestrel.Limits.MaxRequestBodySize = options.Value.EffectiveMaxBodyBytes;
            kestrel.AddServerHeader = false;
        }
    }

    /// <summary>SIGTERM lets in-flight work finish for <see cref="ServerOptions.ShutdownTimeoutSeconds"/>, then cancels it.</summary>
    private sealed class ConfigureShutdown(IOptions<ServerOptions> options) : IConfigureOptions<HostOptions>
    {
        public void Configure(HostOptions host) => host.ShutdownTimeout = TimeSpan.FromSeconds(options.Value.ShutdownTimeoutSeconds);
    }
}
