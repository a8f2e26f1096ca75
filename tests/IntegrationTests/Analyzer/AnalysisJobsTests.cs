using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Platform.Contracts;
using Platform.IntegrationTests.Admin;
using Platform.Jobs.Webhooks;
using Platform.Testing;

namespace Platform.IntegrationTests.Analyzer;

[Parallelizable(ParallelScope.All)]
public sealed class AnalysisJobsTests
{
    [Test]
    public async Task Job_GoesFromAcceptedToSucceeded_OverRabbitMq_AndPublishesAnalysisCompleted()
    {
        await using var bus = await TestBus<AnalysisCompleted>.StartAsync();
        var client = await AnalyzerClient.CreateAsync();

        using var submitted = await client.SendAsync(HttpMethod.Post, "jobs", AnalyzerClient.FileForm("user-j", Proposal.Pdf(), "proposal.pdf"));

        var accepted = await AdminClient.OkJsonAsync(submitted, HttpStatusCode.Accepted);
        var jobId = (Guid)accepted["job_id"]!;
        Assert.That(submitted.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/analyzer/jobs/{jobId}"));
        var job = await WaitForFinishedAsync(client, jobId);
        Assert.Multiple(() =>
        {
            Assert.That((string?)job["status"], Is.EqualTo("succeeded"), job.ToJsonString());
            Assert.That((int)job["progress"]!["done"]!, Is.EqualTo(5));
            Assert.That((int)job["progress"]!["total"]!, Is.EqualTo(5));
            Assert.That(job["result"]!["sections"]!.AsArray(), Has.Count.EqualTo(5));
        });

        var sessionId = (Guid)job["session_id"]!;
        using var session = await client.SendAsync(HttpMethod.Get, $"sessions/{sessionId}");
        Assert.That((string?)(await AdminClient.OkJsonAsync(session))["status"], Is.EqualTo("completed"));
        Assert.That(
            await OrganizationsApiTests.CountAsync("SELECT count(*) FROM analyzer.token_usage WHERE session_id = @id AND org_id = @org", ("id", sessionId), ("org", client.Key.OrgId)),
            Is.EqualTo(5), "the token usage of each prompt, written with the job's completion");
        Assert.That(
            await OrganizationsApiTests.CountAsync("SELECT count(*) FROM analyzer.jobs WHERE id = @id AND result ->> 'session_id' = @session AND result -> 'sections' IS NULL", ("id", jobId), ("session", sessionId.ToString())),
            Is.EqualTo(1), "the job row refers to the session, which alone stores the sections");
        var completed = await bus.WaitForAsync(m => m.JobId == jobId, TimeSpan.FromSeconds(30));
        Assert.That(completed.SessionId, Is.EqualTo(sessionId));
        Assert.That(completed.OrgId, Is.EqualTo(client.Key.OrgId));
    }

    [Test]
    public async Task Callback_ReceivesTheSignedResult()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var client = await AnalyzerClient.CreateAsync();

        using var submitted = await client.SendAsync(HttpMethod.Post, "jobs",
            AnalyzerClient.TextForm("user-w", Proposal.Text, ("prompts", "p1"), ("callback_url", receiver.Url)));
        var jobId = (Guid)(await AdminClient.OkJsonAsync(submitted, HttpStatusCode.Accepted))["job_id"]!;

        var delivery = await receiver.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(WebhookSignature.Verify(TestEnvironment.Secret("Jobs__WebhookSecret"), System.Text.Encoding.UTF8.GetBytes(delivery.Body), delivery.Signature), Is.True, "X-Signature is the HMAC of the body");
        var payload = JsonNode.Parse(delivery.Body)!;
        Assert.That((Guid)payload["job_id"]!, Is.EqualTo(jobId));
        Assert.That((string?)payload["status"], Is.EqualTo("succeeded"));
        Assert.That(WebhookSignature.Verify(TestEnvironment.Secret("Jobs__WebhookSecret"), System.Text.Encoding.UTF8.GetBytes(delivery.Body + " "), delivery.Signature), Is.False);
    }

    [TestCase("ftp://example.org/hook")]
    [TestCase("http://169.254.169.254/latest/meta-data")]
    [TestCase("not a url")]
    public async Task UnsafeCallbackUrl_Is400_AndNoJobIsCreated(string url)
    {
        var client = await AnalyzerClient.CreateAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "jobs", AnalyzerClient.TextForm("u", "some text", ("callback_url", url)));

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("errors").TryGetProperty("callback_url", out _), Is.True);
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM analyzer.sessions WHERE org_id = @org", ("org", client.Key.OrgId)), Is.Zero);
    }

    [Test]
    public async Task AnotherOrganisationsJob_Is404()
    {
        var owner = await AnalyzerClient.CreateAsync();
        var stranger = await AnalyzerClient.CreateAsync();
        using var submitted = await owner.SendAsync(HttpMethod.Post, "jobs", AnalyzerClient.TextForm("u", "Short text about a water project.", ("prompts", "p1")));
        var jobId = (Guid)(await AdminClient.OkJsonAsync(submitted, HttpStatusCode.Accepted))["job_id"]!;

        using var response = await stranger.SendAsync(HttpMethod.Get, $"jobs/{jobId}");

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    private static async Task<JsonNode> WaitForFinishedAsync(AnalyzerClient client, Guid jobId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            using var response = await client.SendAsync(HttpMethod.Get, $"jobs/{jobId}");
            var job = await AdminClient.OkJsonAsync(response);
            var status = (string?)job["status"];
            if (status is "succeeded" or "failed" || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(100);
        }
    }

    private sealed record Delivery(string Body, string Signature);

    /// <summary>A local endpoint standing in for a client's webhook receiver.</summary>
    private sealed class WebhookReceiver : IAsyncDisposable
    {
        private readonly WebApplication app;
        private readonly ConcurrentQueue<Delivery> deliveries = new();

        private WebhookReceiver(WebApplication app, int port)
        {
            this.app = app;
            Url = $"http://127.0.0.1:{port}/hook";
        }

        public string Url { get; }

        public static async Task<WebhookReceiver> StartAsync()
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
            var receiver = new WebhookReceiver(builder.Build(), port);
            receiver.app.MapPost("/hook", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                receiver.deliveries.Enqueue(new Delivery(await reader.ReadToEndAsync(), request.Headers["X-Signature"].ToString()));
                return Results.Ok();
            });
            await receiver.app.StartAsync();
            return receiver;
        }

        public async Task<Delivery> WaitAsync(TimeSpan ceiling)
        {
            var deadline = DateTime.UtcNow + ceiling;
            while (DateTime.UtcNow < deadline)
            {
                if (deliveries.TryPeek(out var delivery))
                {
                    return delivery;
                }

                await Task.Delay(100);
            }

            throw new TimeoutException("No webhook delivery arrived.");
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
