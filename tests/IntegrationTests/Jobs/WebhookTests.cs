using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Jobs;

namespace Platform.IntegrationTests.Jobs;

/// <summary>Callbacks of finished jobs: signed, retried with backoff, and never sent where SSRF rules forbid.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class WebhookTests
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    [Test]
    public async Task FinishedJob_IsPostedSigned_AndRetriedAfterA500()
    {
        await using var receiver = await WebhookReceiver.StartAsync(call => call == 1 ? 500 : 200);
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync();

        var queued = await host.EnqueueAsync(new TestJobInput(Steps: 2), receiver.HookUrl);
        await host.WaitForStatusAsync(queued, JobStatus.Succeeded, Ceiling);
        await Poll.UntilAsync(async () => (await scope.WebhookAsync(queued.Id))?.Delivered == true, Ceiling, () => "the webhook delivered");

        var calls = receiver.Calls;
        var delivery = await scope.WebhookAsync(queued.Id);
        var last = calls[^1];
        using var body = JsonDocument.Parse(last.Body);
        Assert.Multiple(() =>
        {
            Assert.That(calls, Has.Count.EqualTo(2), "a 500, then the retry that succeeded");
            Assert.That(calls.Select(c => c.Method), Is.All.EqualTo("POST"));
            Assert.That(calls[0].Body, Is.EqualTo(last.Body), "the same body each time");
            Assert.That(last.Headers["Content-Type"], Does.StartWith("application/json"));
            Assert.That(last.Headers["X-Job-Id"], Is.EqualTo(queued.Id.ToString()));
            Assert.That(last.Headers["X-Signature"], Is.EqualTo(ExpectedSignature(last.Body)), "HMAC-SHA256 of the exact body");
            Assert.That(body.RootElement.GetProperty("job_id").GetGuid(), Is.EqualTo(queued.Id));
            Assert.That(body.RootElement.GetProperty("org_id").GetGuid(), Is.EqualTo(queued.OrgId));
            Assert.That(body.RootElement.GetProperty("status").GetString(), Is.EqualTo(JobStatus.Succeeded));
            Assert.That(body.RootElement.GetProperty("result").GetProperty("sum").GetInt32(), Is.EqualTo(3));
            Assert.That(delivery!.Attempts, Is.EqualTo(2));
            Assert.That(delivery.LastStatus, Is.EqualTo(200));
            Assert.That(delivery.GivenUp, Is.False);
        });
    }

    [Test]
    public async Task FailedJob_IsPostedWithTheReason()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 204);
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync(("Jobs:RetryLimit", "0"));

        var queued = await host.EnqueueAsync(new TestJobInput(FailWith: "proposal is empty"), receiver.HookUrl);
        await host.WaitForStatusAsync(queued, JobStatus.Failed, Ceiling);
        await Poll.UntilAsync(async () => (await scope.WebhookAsync(queued.Id))?.Delivered == true, Ceiling, () => "the webhook delivered");

        using var body = JsonDocument.Parse(receiver.Calls.Single().Body);
        Assert.Multiple(() =>
        {
            Assert.That(body.RootElement.GetProperty("status").GetString(), Is.EqualTo(JobStatus.Failed));
            Assert.That(body.RootElement.GetProperty("error").GetString(), Is.EqualTo("proposal is empty"));
            Assert.That(receiver.Calls.Single().Headers["X-Signature"], Is.EqualTo(ExpectedSignature(receiver.Calls.Single().Body)));
        });
    }

    [Test]
    public async Task ReceiverAlwaysFailing_IsGivenUpAfterMaxAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 503);
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync(("Jobs:WebhookMaxAttempts", "3"), ("Jobs:WebhookRetryInterval", "00:00:00.100"));

        var queued = await host.EnqueueAsync(new TestJobInput(Steps: 1), receiver.HookUrl);
        await Poll.UntilAsync(async () => (await scope.WebhookAsync(queued.Id))?.GivenUp == true, Ceiling, () => "the webhook given up");

        var delivery = await scope.WebhookAsync(queued.Id);
        Assert.Multiple(() =>
        {
            Assert.That(receiver.Calls, Has.Count.EqualTo(3));
            Assert.That(delivery!.Attempts, Is.EqualTo(3));
            Assert.That(delivery.Delivered, Is.False);
            Assert.That(delivery.LastStatus, Is.EqualTo(503));
            Assert.That(delivery.LastError, Does.Contain("503"));
        });
    }

    [Test]
    public async Task Redirect_IsNotFollowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 302);
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync(("Jobs:WebhookMaxAttempts", "1"));

        var queued = await host.EnqueueAsync(new TestJobInput(Steps: 1), receiver.HookUrl);
        await Poll.UntilAsync(async () => (await scope.WebhookAsync(queued.Id))?.GivenUp == true, Ceiling, () => "the webhook given up");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(receiver.Calls.Select(c => c.Path), Is.EqualTo(new[] { "/hooks/jobs" }), "/redirected never called");
            Assert.That((await scope.WebhookAsync(queued.Id))!.LastError, Does.Contain("redirect"));
        });
    }

    [Test]
    public async Task LoopbackCallback_WhenPrivateAddressesAreNotAllowed_IsRefusedAtConnect()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 200);
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync(("Jobs:AllowPrivateCallbacks", "false"), ("Jobs:WebhookMaxAttempts", "1"));

        // The store checks only the URL's shape: the address is checked where it matters, when connecting.
        var queued = await host.EnqueueAsync(new TestJobInput(Steps: 1), receiver.HookUrl);
        await Poll.UntilAsync(async () => (await scope.WebhookAsync(queued.Id))?.GivenUp == true, Ceiling, () => "the webhook given up");

        var delivery = await scope.WebhookAsync(queued.Id);
        Assert.Multiple(() =>
        {
            Assert.That(receiver.Calls, Is.Empty, "nothing reached the loopback receiver");
            Assert.That(delivery!.LastStatus, Is.Null);
            Assert.That(delivery.LastError, Does.Contain("loopback"));
        });
    }

    private static string ExpectedSignature(byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(JobsHost.WebhookSecret), body));
}
