using Platform.Gateway;

namespace Platform.UnitTests.Gateway;

public class RequestCountsTests
{
    private static Dictionary<(string, string, int), long> Snapshot(GatewayMetrics.RequestCounts counts) =>
        counts.Observe().ToDictionary(
            m => ((string)m.Tags[0].Value!, (string)m.Tags[1].Value!, (int)m.Tags[2].Value!),
            m => m.Value);

    [Test]
    public void Counts_by_route_side_and_status()
    {
        var counts = new GatewayMetrics.RequestCounts(["admin", "analyzer"]);
        for (var i = 0; i < 3; i++)
        {
            counts.Add("analyzer", "new", 200);
        }

        counts.Add("analyzer", "legacy", 200);
        counts.Add("admin", "new", 404);

        Assert.That(Snapshot(counts), Is.EquivalentTo(new Dictionary<(string, string, int), long>
        {
            [("analyzer", "new", 200)] = 3,
            [("analyzer", "legacy", 200)] = 1,
            [("admin", "new", 404)] = 1,
        }));
    }

    [Test]
    public void Unknown_routes_and_unusual_statuses_are_counted_too()
    {
        var counts = new GatewayMetrics.RequestCounts(["analyzer"]);
        counts.Add("reports", "new", 200);
        counts.Add("analyzer", "new", 999);
        counts.Add("analyzer", "new", 999);

        var snapshot = Snapshot(counts);
        Assert.That(snapshot[("reports", "new", 200)], Is.EqualTo(1));
        Assert.That(snapshot[("analyzer", "new", 999)], Is.EqualTo(2));
        Assert.That(snapshot, Has.Count.EqualTo(2));
    }

    [Test]
    public void Concurrent_increments_are_not_lost()
    {
        var counts = new GatewayMetrics.RequestCounts(["chatbot"]);
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                counts.Add("chatbot", "new", 200);
            }
        });

        Assert.That(Snapshot(counts)[("chatbot", "new", 200)], Is.EqualTo(80_000));
    }
}
