using System.Diagnostics.Metrics;
using Platform.ServiceDefaults;

namespace Platform.Jobs;

/// <summary>Counters on the fleet's meter (exported at <c>/metrics</c>).</summary>
internal sealed class JobsMetrics
{
    private readonly Counter<long> enqueued;
    private readonly Counter<long> finished;
    private readonly Counter<long> requeued;
    private readonly Counter<long> relayed;
    private readonly Counter<long> webhooks;

    public JobsMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(Telemetry.PlatformMeter);
        enqueued = meter.CreateCounter<long>("platform.jobs.enqueued", "{job}", "Jobs accepted.");
        finished = meter.CreateCounter<long>("platform.jobs.finished", "{job}", "Jobs finished, by status.");
        requeued = meter.CreateCounter<long>("platform.jobs.requeued", "{job}", "Jobs sent again after their worker's lease expired.");
        relayed = meter.CreateCounter<long>("platform.jobs.outbox.relayed", "{message}", "Outbox messages handed to RabbitMQ.");
        webhooks = meter.CreateCounter<long>("platform.jobs.webhooks", "{call}", "Webhook calls, by outcome.");
    }

    public void Enqueued(string kind) => enqueued.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Finished(string kind, string status) =>
        finished.Add(1, new KeyValuePair<string, object?>("kind", kind), new KeyValuePair<string, object?>("status", status));

    public void Requeued(string kind) => requeued.Add(1, new KeyValuePair<string, object?>("kind", kind));

    public void Relayed(int count) => relayed.Add(count);

    public void Webhook(string outcome) => webhooks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
