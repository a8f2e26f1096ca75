using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Npgsql;
using Platform.IntegrationTests.Admin;
using Platform.Testing;

namespace Platform.IntegrationTests.Analyzer;

/// <summary>
/// A real Analyzer process started as a second worker (<c>--role worker</c>) is killed (SIGKILL) in the middle of a
/// job: the job is finished by the fleet's Analyzer once its lease has run out, exactly once.
/// </summary>
public sealed class WorkerCrashTests
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(120);

    [Test]
    public async Task WorkerKilledMidJob_LeaseExpires_AnotherWorkerFinishesTheJobExactlyOnce()
    {
        // The doomed worker's model never answers, so the job it takes stays in the middle of its run until it is killed.
        await using var model = await HangingModel.StartAsync();
        var victimName = $"doomed-worker-{Guid.NewGuid():N}";
        var env = Fleet.CommonEnvironment("analyzer");
        env["Prompts__AdminAddress"] = Fleet.App("admin").BaseAddress.ToString();
        env["AI__Provider"] = "openai";
        env["AI__OpenAI__BaseUrl"] = model.BaseUrl;
        env["AI__OpenAI__ApiKey"] = "sk-test-hanging";
        env["AI__Timeout"] = "00:10:00";
        env["Jobs__WorkerName"] = victimName;
        env["Jobs__LeaseDuration"] = "00:00:03";
        var victim = AppProcess.Start("analyzer-doomed-worker", "services/Analyzer/Analyzer.csproj", FreePort.Next(), env, "--role", "worker");
        var killed = false;
        try
        {
            await victim.WaitUntilReadyAsync(Ceiling);
            await RunAsync(victim, victimName, model, () => killed = true);
        }
        finally
        {
            if (!killed)
            {
                await victim.DisposeAsync();
            }
        }
    }

    private static async Task RunAsync(AppProcess victim, string victimName, HangingModel model, Action onKilled)
    {
        var client = await AnalyzerClient.CreateAsync();

        // Two processes consume the queue: submit until a job lands on the doomed worker (the others the fleet runs).
        Guid? jobId = null;
        for (var i = 0; i < 12 && jobId is null; i++)
        {
            var candidate = await SubmitAsync(client);
            var deadline = DateTime.UtcNow + Ceiling;
            while (DateTime.UtcNow < deadline)
            {
                if (await WorkerOfAsync(candidate) is { } worker && worker.StartsWith(victimName, StringComparison.Ordinal) && model.Calls > 0)
                {
                    jobId = candidate;
                    break;
                }

                if (await StatusAsync(client, candidate) is "succeeded" or "failed")
                {
                    break;
                }

                await Task.Delay(100);
            }
        }

        Assert.That(jobId, Is.Not.Null, "no job reached the second worker");
        Assert.That(await StatusAsync(client, jobId!.Value), Is.EqualTo("running"));

        onKilled();
        await victim.DisposeAsync(); // SIGKILL: no shutdown, no lease handed back

        var job = await WaitForFinishedAsync(client, jobId.Value);
        Assert.That((string?)job["status"], Is.EqualTo("succeeded"), job.ToJsonString());
        var sessionId = (Guid)job["session_id"]!;
        var attempts = await ScalarAsync<int>("SELECT attempts FROM analyzer.jobs WHERE id = @id", jobId.Value);
        var finisher = await WorkerOfAsync(jobId.Value);
        var events = await OrganizationsApiTests.CountAsync("SELECT count(*) FROM analyzer.outbox WHERE job_id = @id AND kind = 'event'", ("id", jobId.Value));
        var usageRows = await OrganizationsApiTests.CountAsync("SELECT count(*) FROM analyzer.token_usage WHERE session_id = @id", ("id", sessionId));
        Assert.Multiple(() =>
        {
            Assert.That(attempts, Is.EqualTo(2), "claimed by the killed worker, then once more");
            Assert.That(finisher, Is.Not.Null.And.Not.StartWith(victimName), "finished by another worker");
            Assert.That(events, Is.EqualTo(1), "one completion event");
            Assert.That(usageRows, Is.EqualTo(1), "the prompt ran to its end once");
            Assert.That(job["result"]!["sections"]!.AsArray(), Has.Count.EqualTo(1));
            Assert.That((int)job["progress"]!["done"]!, Is.EqualTo(1));
        });
        using var session = await client.SendAsync(HttpMethod.Get, $"sessions/{sessionId}");
        var body = await AdminClient.OkJsonAsync(session);
        Assert.That((string?)body["status"], Is.EqualTo("completed"));
        Assert.That(model.Calls, Is.EqualTo(1), "the job reached the doomed worker's model once");
    }

    private static async Task<Guid> SubmitAsync(AnalyzerClient client)
    {
        using var submitted = await client.SendAsync(HttpMethod.Post, "jobs",
            AnalyzerClient.TextForm("user-crash", Proposal.Text, ("prompts", "p1")));
        return (Guid)(await AdminClient.OkJsonAsync(submitted, HttpStatusCode.Accepted))["job_id"]!;
    }

    private static async Task<string?> StatusAsync(AnalyzerClient client, Guid jobId)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"jobs/{jobId}");
        return (string?)(await AdminClient.OkJsonAsync(response))["status"];
    }

    private static async Task<JsonNode> WaitForFinishedAsync(AnalyzerClient client, Guid jobId)
    {
        var deadline = DateTime.UtcNow + Ceiling;
        while (true)
        {
            using var response = await client.SendAsync(HttpMethod.Get, $"jobs/{jobId}");
            var job = await AdminClient.OkJsonAsync(response);
            if ((string?)job["status"] is "succeeded" or "failed" || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(200);
        }
    }

    private static Task<string?> WorkerOfAsync(Guid jobId) => ScalarAsync<string?>("SELECT worker FROM analyzer.jobs WHERE id = @id", jobId);

    private static async Task<T> ScalarAsync<T>(string sql, Guid id)
    {
        await using var db = new NpgsqlConnection(TestEnvironment.PostgresConnectionString("postgres"));
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        command.Parameters.AddWithValue("id", id);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default! : (T)value;
    }

    /// <summary>An OpenAI-compatible endpoint that takes chat requests and never answers them.</summary>
    private sealed class HangingModel : IAsyncDisposable
    {
        private readonly WebApplication app;
        private int calls;

        private HangingModel(WebApplication app, int port)
        {
            this.app = app;
            BaseUrl = $"http://127.0.0.1:{port}/v1";
        }

        public string BaseUrl { get; }

        public int Calls => Volatile.Read(ref calls);

        public static async Task<HangingModel> StartAsync()
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
            var model = new HangingModel(builder.Build(), port);
            model.app.MapPost("/v1/chat/completions", async (HttpContext context) =>
            {
                Interlocked.Increment(ref model.calls);
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return Results.StatusCode(StatusCodes.Status504GatewayTimeout);
            });
            await model.app.StartAsync();
            return model;
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
