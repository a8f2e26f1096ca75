using System.Net;
using Platform.Web.Gateway;

namespace Platform.Web.Pages;

public sealed partial class IndexModel(GatewayClient gateway, ILogger<IndexModel> logger) : GatewayPageModel
{
    // The longest the home page waits for the gateway's health before showing it as unknown.
    private static readonly TimeSpan HealthWait = TimeSpan.FromSeconds(5);

    public string GatewayStatus { get; private set; } = "Unknown";

    public string Gateway { get; private set; } = string.Empty;

    public IReadOnlyDictionary<string, HealthCheckEntry> Infrastructure { get; private set; } = new Dictionary<string, HealthCheckEntry>();

    public IReadOnlyList<DestinationStatus> Services { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        Gateway = gateway.BaseAddress.ToString();
        // The home page is where people land after signing in: a slow health check must not hold it up.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(ct);
        bounded.CancelAfter(HealthWait);
        try
        {
            var ready = gateway.GetAnonymousAsync<HealthReport>("health/ready", bounded.Token);
            var fleet = gateway.GetAnonymousAsync<List<DestinationStatus>>("health/fleet", bounded.Token);
            var (status, report) = await ready;
            GatewayStatus = status == HttpStatusCode.OK ? "Healthy" : report?.Status ?? "Unhealthy";
            Infrastructure = report?.Checks ?? [];
            var (fleetStatus, destinations) = await fleet;
            Services = fleetStatus == HttpStatusCode.OK && destinations is not null ? destinations : [];
        }
        catch (HttpRequestException ex)
        {
            GatewayStatus = "Unhealthy";
            Gateway += " (not reachable)";
            LogGatewayUnreachable(logger, ex.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            GatewayStatus = "Unknown";
            Gateway += $" (no health answer within {HealthWait.TotalSeconds:0} s)";
            LogGatewayUnreachable(logger, "no answer in time");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway's health could not be read: {Reason}")]
    private static partial void LogGatewayUnreachable(ILogger logger, string reason);
}
