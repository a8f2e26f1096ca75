namespace Platform.ServiceDefaults;

/// <summary>Meters and activity sources that the shared telemetry set-up listens to.</summary>
public static class Telemetry
{
    /// <summary>The fleet's own meter; apps create instruments on it (or on a meter of their own listed here).</summary>
    public const string PlatformMeter = "Platform";

    /// <summary>Meters exported at <c>/metrics</c> besides the ASP.NET Core, HttpClient and runtime ones.</summary>
    public static readonly string[] MeterNames = [PlatformMeter, "MassTransit", "Npgsql"];

    /// <summary>Activity sources traced besides ASP.NET Core and HttpClient.</summary>
    public static readonly string[] ActivitySourceNames = ["MassTransit", "Npgsql", "Platform"];
}
