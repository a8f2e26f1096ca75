using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Platform.Data;
using Platform.Gateway.Auth;
using Platform.Gateway.Ops;
using Platform.Gateway.RateLimiting;
using Platform.Gateway.Rollout;
using Platform.ServiceDefaults.Identity;
using Platform.ServiceDefaults.Messaging;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;

namespace Platform.Gateway.Extensions;

internal static class Extensions
{
    public const string Schema = "gateway";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformData(Schema, typeof(Extensions).Assembly);
        builder.AddMessaging(bus =>
            bus.AddConsumer<ApiKeyRevokedConsumer>().Endpoint(e =>
            {
                // One queue per replica, removed when it stops: every replica must hear every revocation.
                e.InstanceId = Environment.MachineName.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..8];
                e.Temporary = true;
            }));

        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<RolloutOptions>().BindConfiguration(RolloutOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddHttpClient<KeyVerifier>((sp, http) =>
        {
            http.BaseAddress = new Uri(sp.GetRequiredService<IOptions<AuthOptions>>().Value.AdminAddress!);
            http.Timeout = TimeSpan.FromSeconds(10);
        }).AddInternalCallSigning();
        builder.AddKeyRateLimiting();
        builder.Services.AddSingleton<KeyCache>();
        builder.Services.AddSingleton<IdentitySigner>();
        builder.Services.AddSingleton<FailedAttemptThrottle>();
        builder.Services.AddSingleton<GatewayMetrics>();
        builder.Services.AddOpsStats();
        builder.Services.AddSingleton<RolloutState>();
        builder.Services.AddSingleton<RolloutStore>();
        builder.Services.AddHostedService<RolloutListener>();

        // Without an OTLP endpoint no trace leaves the process, yet the tracer provider's listeners would still cost
        // every proxied request a client activity, a second trace-context injection and URL strings (measured with
        // dotnet-trace: about a fifth of the gateway's allocations). The gateway then has no tracer provider at all,
        // and no activity per request either: ASP.NET Core starts one for any request while its hosting log category
        // is enabled (only to give the request's logs a trace id), and HttpClient would then inject it upstream (a
        // third of what was left of the allocations). The gateway is transparent to trace context instead: a client's
        // traceparent reaches the services as it was sent. Metrics are untouched.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.RemoveAll<TracerProvider>();
            builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
            builder.Services.Configure<ForwarderTracingOptions>(tracing => tracing.PropagateTraceContext = false);
        }

        RuntimeTuning.AddRuntimeTuning(builder);

        // ASP.NET Core's in-flight gauge costs two metric updates on every request before routing (so it cannot be
        // turned off for proxied routes only); gateway.requests.active counts proxied requests in flight instead.
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics =>
            metrics.AddView("http.server.active_requests", MetricStreamConfiguration.Drop));
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddTransforms(context =>
            {
                var signer = context.Services.GetRequiredService<IdentitySigner>();
                context.AddRequestTransform(transform => IdentityTransform.ApplyAsync(transform, signer));
            });
        builder.Services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, GatewayForwarderHttpClientFactory>());
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        var groups = new HashSet<string>(app.Services.GetRequiredService<IOptions<RolloutOptions>>().Value.Routes, StringComparer.Ordinal);
        app.UseMiddleware<GatewayAuthMiddleware>(groups);
        app.MapRolloutApi();
        app.MapOpsStatsApi();
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<BodySizeGuard>();
            proxy.UseMiddleware<TrafficSplitter>();
            proxy.UseSessionAffinity();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        })
        // Proxied requests are measured by gateway.requests and gateway.request.duration (by route group, side and
        // status); ASP.NET Core's http.server.request.duration would record each of them a second time.
        .DisableHttpMetrics();
        return app;
    }
}
