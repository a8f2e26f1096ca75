using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;
using Scalar.AspNetCore;

namespace Platform.ServiceDefaults;

/// <summary>
/// What every app of the fleet needs, registered once: telemetry and <c>/metrics</c>, JSON logs with trace ids,
/// health endpoints, ProblemDetails for every error, OpenAPI and snake_case JSON.
/// </summary>
public static class Extensions
{
    /// <summary>Health checks carrying this tag are part of <c>/health/ready</c>.</summary>
    public const string ReadyTag = "ready";

    private const string LiveTag = "live";

    /// <summary>Adds the fleet's common services to an app.</summary>
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureJsonLogging();
        builder.AddPlatformTelemetry();

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);

        builder.Services.AddPlatformProblemDetails(ServiceName(builder));

        builder.Services.Configure<JsonOptions>(options => ConfigureJson(options.SerializerOptions));
        builder.Services.AddOpenApi();

        builder.Services.AddServiceDiscoveryFreeHttpDefaults();
        builder.AddGatewayIdentity();
        builder.Services.Configure<KestrelServerOptions>(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = RequestLimits.DefaultMaxBodyBytes;
        });

        return builder;
    }

    /// <summary>The house JSON settings: snake_case names, as the legacy API used.</summary>
    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.PropertyNameCaseInsensitive = true;
    }

    /// <summary>The short, lower-case name of this app ("admin", "gateway"), used in telemetry and problems.</summary>
    public static string ServiceName(IHostApplicationBuilder builder) =>
        builder.Configuration["Service:Name"] ?? builder.Environment.ApplicationName.ToLowerInvariant();

    /// <summary>
    /// Maps <c>/health/live</c>, <c>/health/ready</c>, <c>/metrics</c>, <c>/openapi/v1.json</c> and the Scalar UI at
    /// <c>/scalar</c>, and turns every error the pipeline produces into problem+json.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseEndpointBodySizeLimits();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = r => r.Tags.Contains(LiveTag) })
            .DisableHttpMetrics();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = r => r.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        }).DisableHttpMetrics();
        app.MapPlatformMetrics();
        app.MapOpenApi();
        app.MapScalarApiReference();

        return app;
    }

    private static void ConfigureJsonLogging(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.Configure(options =>
            options.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddJsonConsole(options =>
        {
            options.IncludeScopes = true;
            options.UseUtcTimestamp = true;
            options.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
    }

    /// <summary>
    /// The fleet's metrics (ASP.NET Core, HttpClient, runtime and the platform's meters, exported for Prometheus; map
    /// them with <see cref="MapPlatformMetrics"/>) and traces (exported when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is
    /// set). Part of <see cref="AddServiceDefaults"/>; apps that do not take the service defaults (the Web UI) add it alone.
    /// </summary>
    public static IHostApplicationBuilder AddPlatformTelemetry(this IHostApplicationBuilder builder)
    {
        var serviceName = ServiceName(builder);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(Telemetry.AspNetCoreMeterNames)
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(Telemetry.MeterNames)
                .AddPrometheusExporter())
            .WithTracing(tracing => tracing
                .AddSource(serviceName)
                .AddSource(Telemetry.ActivitySourceNames)
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>Maps <c>/metrics</c> (Prometheus text format), itself left out of the request metrics.</summary>
    public static IEndpointRouteBuilder MapPlatformMetrics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPrometheusScrapingEndpoint("/metrics").DisableHttpMetrics();
        return endpoints;
    }

    private static bool IsInfrastructurePath(PathString path) =>
        path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics");

    private static void AddServiceDiscoveryFreeHttpDefaults(this IServiceCollection services) =>
        services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
}
