namespace Platform.ServiceDefaults;

/// <summary>Meters and activity sources that the shared telemetry set-up listens to.</summary>
public static class Telemetry
{
    /// <summary>The fleet's own meter; apps create instruments on it (or on a meter of their own listed here).</summary>
    public const string PlatformMeter = "Platform";

    /// <summary>Meters exported at <c>/metrics</c> besides the ASP.NET Core, HttpClient and runtime ones.</summary>
    public static readonly string[] MeterNames = [PlatformMeter, "MassTransit", "Npgsql"];

    /// <summary>
    /// ASP.NET Core's own meters (http.server.request.duration, active requests, Kestrel connections, routing,
    /// exception handling, rate limiting, authentication, authorization, memory pool). Subscribed by name rather than
    /// with OpenTelemetry's AddAspNetCoreInstrumentation, which on .NET 8+ adds the same meters plus a middleware in
    /// front of every request (only to tag exceptions that ASP.NET Core's exception handler already reports).
    /// </summary>
    public static readonly string[] AspNetCoreMeterNames =
    [
        "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Microsoft.AspNetCore.Http.Connections",
        "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics", "Microsoft.AspNetCore.RateLimiting",
        "Microsoft.AspNetCore.Authentication", "Microsoft.AspNetCore.Authorization", "Microsoft.AspNetCore.MemoryPool",
    ];

    /// <summary>Activity sources traced besides ASP.NET Core and HttpClient.</summary>
    public static readonly string[] ActivitySourceNames = ["MassTransit", "Npgsql", "Platform"];
}
