using System.Net;
using System.Text.Json.Nodes;
using Platform.IntegrationTests.Admin;
using Platform.Testing;

namespace Platform.IntegrationTests.Gateway;

/// <summary>
/// Two gateway replicas in front of two local upstreams standing in for the new services and the legacy system on
/// the analyzer route: weights, stickiness, propagation between replicas, restarts and failover.
/// </summary>
[NonParallelizable]
public sealed class TrafficSplitTests
{
    private const string Route = "analyzer";
    private EchoUpstream newSide = null!;
    private EchoUpstream legacySide = null!;
    private AppProcess gatewayA = null!;
#pragma warning disable NUnit1032 // Disposed in OneTimeTearDown; the restart test replaces it and disposes the old one.
    private AppProcess gatewayB = null!;
#pragma warning restore NUnit1032
    private ApiKey ops = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        newSide = await EchoUpstream.StartAsync("new-services");
        legacySide = await EchoUpstream.StartAsync("legacy-system");
        ops = await ApiKey.CreateAsync("ops", "analyzer");
        gatewayA = StartGateway("gateway-a");
        gatewayB = StartGateway("gateway-b");
        await Task.WhenAll(gatewayA.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)), gatewayB.WaitUntilReadyAsync(TimeSpan.FromSeconds(60)));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await gatewayA.DisposeAsync();
        await gatewayB.DisposeAsync();
        await newSide.DisposeAsync();
        await legacySide.DisposeAsync();
    }

    [Test, Order(1)]
    public async Task Weight0_SendsEveryoneToLegacy_And100_EveryoneToNew()
    {
        await SetWeightAsync(gatewayA, 0, "user-id");
        var atZero = await SidesAsync(gatewayA, Users(60));
        await SetWeightAsync(gatewayA, 100, "user-id");
        var atHundred = await SidesAsync(gatewayA, Users(60));

        Assert.That(atZero.Values, Is.All.EqualTo("legacy"));
        Assert.That(atHundred.Values, Is.All.EqualTo("new"));
    }

    [Test, Order(2)]
    public async Task Weight25_SplitsClientsWithinTolerance_AndKeepsEachOnOneSide()
    {
        await SetWeightAsync(gatewayA, 25, "user-id");
        var users = Users(400);

        var first = await SidesAsync(gatewayA, users);
        var again = await SidesAsync(gatewayB, users);

        var share = first.Values.Count(s => s == "new") / (double)users.Length;
        // 400 clients in 100 hash buckets: a fair split lands within ±7 points of 25% (over 3 standard deviations).
        Assert.That(share, Is.InRange(0.18, 0.32), $"share sent to new: {share:P1}");
        Assert.That(again, Is.EqualTo(first), "every client stays on its side, on either replica");

        await SetWeightAsync(gatewayA, 50, "user-id");
        var atFifty = await SidesAsync(gatewayA, users);
        Assert.That(first.Where(p => p.Value == "new").Select(p => atFifty[p.Key]), Is.All.EqualTo("new"),
            "raising the weight only moves clients from legacy to new");
        Assert.That(atFifty.Values.Count(s => s == "new"), Is.GreaterThan(first.Values.Count(s => s == "new")));
    }

    [Test, Order(3)]
    public async Task WeightChangedOnOneReplica_IsObeyedByTheOther_WithinASecond()
    {
        await SetWeightAsync(gatewayA, 0, "user-id");
        await WaitForWeightAsync(gatewayB, 0);

        using (var put = await gatewayA.Client.SendAsync(ops.Request(HttpMethod.Put, $"ops/rollout/{Route}",
            Json.Body(new { weight = 100, reason = "propagation test" }))))
        {
            Assert.That(put.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var took = await WaitForWeightAsync(gatewayB, 100);

        Assert.That(took, Is.LessThan(TimeSpan.FromSeconds(5)), "the requirement is 1 s; the ceiling tolerates a loaded CI machine");
        var sides = await SidesAsync(gatewayB, Users(20));
        Assert.That(sides.Values, Is.All.EqualTo("new"));
    }

    [Test, Order(4)]
    public async Task NewSide_GetsTheSignedIdentity_AndNoCredentials_LegacyKeepsItsCredentials()
    {
        await SetWeightAsync(gatewayA, 100, "user-id");
        var toNew = await CallAsync(gatewayA, "u-1");
        await SetWeightAsync(gatewayA, 0, "user-id");
        var toLegacy = await CallAsync(gatewayA, "u-1");

        Assert.Multiple(() =>
        {
            Assert.That((string?)toNew["upstream"], Is.EqualTo("new-services"));
            Assert.That((string?)toNew["x_org_id"], Is.EqualTo(ops.OrgId.ToString()));
            Assert.That((string?)toNew["x_key_id"], Is.EqualTo(ops.Id.ToString()));
            Assert.That((string?)toNew["x_gateway_signature"], Is.Not.Empty);
            Assert.That((string?)toNew["api_secret"], Is.Empty, "the secret never travels past the gateway to the new services");
            Assert.That((string?)toLegacy["upstream"], Is.EqualTo("legacy-system"));
            Assert.That((string?)toLegacy["api_key"], Is.EqualTo(ops.Key), "the legacy system still authenticates its clients");
            Assert.That((string?)toLegacy["x_gateway_signature"], Is.Empty);
        });
    }

    [Test, Order(5)]
    public async Task Weights_SurviveARestart()
    {
        await SetWeightAsync(gatewayA, 37, "user-id");

        await gatewayB.DisposeAsync();
        gatewayB = StartGateway("gateway-b2");
        await gatewayB.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));

        using var response = await gatewayB.Client.SendAsync(ops.Request(HttpMethod.Get, $"ops/rollout/{Route}"));
        var body = await AdminClient.OkJsonAsync(response);
        Assert.That((int)body["weight"]!, Is.EqualTo(37));
        Assert.That((string?)body["sticky_by"], Is.EqualTo("user-id"));
        Assert.That((bool)body["legacy_configured"]!, Is.True);
    }

    [Test, Order(6)]
    public async Task OpsApi_ValidatesInput_AndKeepsAnAuditTrail()
    {
        using var tooHigh = await gatewayA.Client.SendAsync(ops.Request(HttpMethod.Put, $"ops/rollout/{Route}", Json.Body(new { weight = 101, reason = "x" })));
        using var noReason = await gatewayA.Client.SendAsync(ops.Request(HttpMethod.Put, $"ops/rollout/{Route}", Json.Body(new { weight = 10 })));
        using var unknown = await gatewayA.Client.SendAsync(ops.Request(HttpMethod.Put, "ops/rollout/nowhere", Json.Body(new { weight = 10, reason = "x" })));
        await ProblemAssert.IsProblemAsync(tooHigh, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(noReason, HttpStatusCode.BadRequest);
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);

        await SetWeightAsync(gatewayA, 60, "user-id");
        using var rollback = await gatewayA.Client.SendAsync(ops.Request(HttpMethod.Post, $"ops/rollout/{Route}/rollback", Json.Body(new { reason = "error rate up" })));
        var rolledBack = await AdminClient.OkJsonAsync(rollback);
        Assert.That((int)rolledBack["weight"]!, Is.Zero);

        using var history = await gatewayA.Client.SendAsync(ops.Request(HttpMethod.Get, $"ops/rollout/{Route}/history?limit=2"));
        var entries = (await AdminClient.OkJsonAsync(history)).AsArray();
        Assert.That(entries.Select(e => (int)e!["new_weight"]!), Is.EqualTo(new[] { 0, 60 }));
        Assert.That((int?)entries[0]!["old_weight"], Is.EqualTo(60));
        Assert.That((string?)entries[0]!["reason"], Is.EqualTo("rollback: error rate up"));
        Assert.That((string?)entries[0]!["changed_by"], Does.Contain(ops.Id.ToString()));

        using var list = await gatewayA.Client.SendAsync(ops.Request(HttpMethod.Get, "ops/rollout"));
        var routes = (await AdminClient.OkJsonAsync(list)).AsArray().Select(r => (string?)r!["route"]);
        Assert.That(routes, Is.SupersetOf(new[] { "admin", "analyzer", "chatbot", "evaluator" }));
    }

    [Test, Order(7)]
    public async Task WhenEveryDestinationOfASideIsDown_RequestsFailOverToTheOtherSide()
    {
        await SetWeightAsync(gatewayA, 0, "user-id");
        Assert.That((await SidesAsync(gatewayA, Users(5))).Values, Is.All.EqualTo("legacy"));

        await legacySide.StopAsync();
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            JsonNode? served = null;
            while (DateTime.UtcNow < deadline)
            {
                using var request = ops.Request(HttpMethod.Get, $"api/v1/{Route}/echo");
                request.Headers.Add("X-User-Id", "failover-user");
                using var response = await gatewayA.Client.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK && response.Headers.GetValues("X-Served-By").Single() == "new")
                {
                    served = await Json.ReadAsync(response);
                    break;
                }

                await Task.Delay(200);
            }

            Assert.That(served, Is.Not.Null, "requests went to the new side once legacy was seen down");
            Assert.That((string?)served!["upstream"], Is.EqualTo("new-services"));
            using var metrics = await gatewayA.Client.GetAsync("metrics");
            Assert.That(await metrics.Content.ReadAsStringAsync(), Does.Contain("gateway_failovers_total{"));
        }
        finally
        {
            await legacySide.StartAsync();
        }
    }

    [Test, Order(8)]
    public async Task TwoReplicas_ShareOneRateLimitBudget()
    {
        var org = await AdminClient.CreateOrganizationAsync();
        using var created = await AdminClient.Platform().PostAsync($"api/v1/admin/api-keys?org_id={org}", new { name = "shared-budget", scopes = new[] { "analyzer" }, rate_limit_per_minute = 6 });
        var body = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        var key = new ApiKey((Guid)body["id"]!, org, (string)body["api_key"]!, (string)body["api_secret"]!);

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            using var response = await key.GetAsync((i % 2 == 0 ? gatewayA : gatewayB).Client, $"api/v1/{Route}/echo");
            return response.StatusCode;
        }));

        Assert.That(results.Count(s => s == HttpStatusCode.OK), Is.EqualTo(6), "one budget of 6 across both replicas");
        Assert.That(results.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(14));
    }

    [Test, Order(9)]
    public async Task TwoReplicas_LargeLimit_NeverPassIt_AndFallShortByAtMostOneLease()
    {
        // 500 a minute: leases of 5 permits (1%), so each replica asks Redis about once per 5 requests.
        const int Limit = 500;
        const int Lease = 5;
        var org = await AdminClient.CreateOrganizationAsync();
        using var created = await AdminClient.Platform().PostAsync($"api/v1/admin/api-keys?org_id={org}", new { name = "leased-budget", scopes = new[] { "analyzer" }, rate_limit_per_minute = Limit });
        var body = await AdminClient.OkJsonAsync(created, HttpStatusCode.Created);
        var key = new ApiKey((Guid)body["id"]!, org, (string)body["api_key"]!, (string)body["api_secret"]!);

        var statuses = new List<HttpStatusCode>();
        foreach (var chunk in Enumerable.Range(0, 600).Chunk(20))
        {
            statuses.AddRange(await Task.WhenAll(chunk.Select(async i =>
            {
                using var response = await key.GetAsync((i % 2 == 0 ? gatewayA : gatewayB).Client, $"api/v1/{Route}/echo");
                return response.StatusCode;
            })));
        }

        // limit - (replicas - 1) * lease <= passed <= limit; everything else refused as over the limit.
        var passed = statuses.Count(s => s == HttpStatusCode.OK);
        Assert.That(passed, Is.InRange(Limit - Lease, Limit));
        Assert.That(statuses.Count(s => s == HttpStatusCode.TooManyRequests), Is.EqualTo(statuses.Count - passed));
    }

    [Test, Order(10)]
    public async Task ProxiedCalls_AreMeasuredOnce_ByTheGatewaysOwnMetrics()
    {
        await SetWeightAsync(gatewayA, 100, "user-id");
        await CallAsync(gatewayA, "user-metrics");

        using var response = await gatewayA.Client.GetAsync("metrics");
        var text = await response.Content.ReadAsStringAsync();
        var upstreamPort = $"server_port=\"{newSide.Address.Port}\"";
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Contain("gateway_requests_total{").And.Contain("gateway_request_duration_seconds_bucket{"));
            // The forwarder's HttpClient records no client metrics of its own (other HttpClients, e.g. to Admin, do).
            Assert.That(text.Split('\n').Where(line => line.StartsWith("http_client_", StringComparison.Ordinal) && line.Contains(upstreamPort, StringComparison.Ordinal)),
                Is.Empty);
        });
    }

    private AppProcess StartGateway(string name)
    {
        var env = Fleet.CommonEnvironment("gateway");
        env["Auth__AdminAddress"] = Fleet.App("admin").BaseAddress.ToString();
        env["Auth__FailuresPerMinutePerClient"] = "100000";
        // These tests send thousands of requests with one key; the limiter has tests of its own.
        env["RateLimiting__DefaultPermitsPerMinute"] = "10000000";
        foreach (var (service, _) in Fleet.Services)
        {
            env[$"ReverseProxy__Clusters__{service}__Destinations__primary__Address"] = Fleet.App(service).BaseAddress.ToString();
        }

        env[$"ReverseProxy__Clusters__{Route}__Destinations__primary__Address"] = newSide.Address.ToString();
        env[$"ReverseProxy__Clusters__{Route}-legacy__Destinations__primary__Address"] = legacySide.Address.ToString();
        foreach (var cluster in new[] { Route, Route + "-legacy" })
        {
            env[$"ReverseProxy__Clusters__{cluster}__HealthCheck__Active__Interval"] = "00:00:01";
            env[$"ReverseProxy__Clusters__{cluster}__HealthCheck__Active__Timeout"] = "00:00:01";
            env[$"ReverseProxy__Clusters__{cluster}__HealthCheck__Active__Path"] = "/health";
        }

        return AppProcess.Start(name, "gateway/Gateway.csproj", FreePort.Next(), env);
    }

    private async Task SetWeightAsync(AppProcess gateway, int weight, string stickyBy)
    {
        using var response = await gateway.Client.SendAsync(ops.Request(HttpMethod.Put, $"ops/rollout/{Route}",
            Json.Body(new { weight, reason = $"test sets {weight}", sticky_by = stickyBy })));
        var body = await AdminClient.OkJsonAsync(response);
        Assert.That((int)body["weight"]!, Is.EqualTo(weight));
        await WaitForWeightAsync(gatewayA, weight);
        await WaitForWeightAsync(gatewayB, weight);
    }

    /// <summary>Polls a replica's view of the weight; answers how long it took.</summary>
    private async Task<TimeSpan> WaitForWeightAsync(AppProcess gateway, int weight)
    {
        var started = DateTime.UtcNow;
        while (DateTime.UtcNow - started < TimeSpan.FromSeconds(10))
        {
            using var response = await gateway.Client.SendAsync(ops.Request(HttpMethod.Get, $"ops/rollout/{Route}"));
            if (response.StatusCode == HttpStatusCode.OK && (int)(await Json.ReadAsync(response))["weight"]! == weight)
            {
                return DateTime.UtcNow - started;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"{gateway.Name} did not see weight {weight} within 10 s");
        return TimeSpan.MaxValue;
    }

    private async Task<JsonNode> CallAsync(AppProcess gateway, string user)
    {
        using var request = ops.Request(HttpMethod.Get, $"api/v1/{Route}/echo");
        request.Headers.Add("X-User-Id", user);
        using var response = await gateway.Client.SendAsync(request);
        return await AdminClient.OkJsonAsync(response);
    }

    private async Task<Dictionary<string, string>> SidesAsync(AppProcess gateway, string[] users)
    {
        var sides = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in users.Chunk(20))
        {
            var results = await Task.WhenAll(chunk.Select(async user =>
            {
                using var request = ops.Request(HttpMethod.Get, $"api/v1/{Route}/echo");
                request.Headers.Add("X-User-Id", user);
                using var response = await gateway.Client.SendAsync(request);
                Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
                var side = response.Headers.GetValues("X-Served-By").Single();
                var upstream = (string?)(await Json.ReadAsync(response))["upstream"];
                Assert.That(upstream, Is.EqualTo(side == "new" ? "new-services" : "legacy-system"), "X-Served-By tells the truth");
                return (user, side);
            }));
            foreach (var (user, side) in results)
            {
                sides[user] = side;
            }
        }

        return sides;
    }

    private static string[] Users(int count) => [.. Enumerable.Range(0, count).Select(i => $"user-{i:D4}")];
}
