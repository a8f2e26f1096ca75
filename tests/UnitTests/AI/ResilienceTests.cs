using System.ClientModel;
using System.Diagnostics;
using Microsoft.Extensions.AI;
using Platform.Fakes;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Platform.UnitTests.AI;

/// <summary>The Polly pipeline around the real OpenAI client: retries, Retry-After, timeout, circuit, concurrency.</summary>
public sealed class ResilienceTests
{
    private FakeOpenAiServer server = null!;

    [SetUp]
    public async Task StartServer() => server = await FakeOpenAiServer.StartAsync();

    [TearDown]
    public async Task StopServer() => await server.DisposeAsync();

    private static ChatMessage[] Ask => [new ChatMessage(ChatRole.User, "Hello?")];

    [Test]
    public async Task RateLimited_WithRetryAfter1_IsRetriedOnceAfterTheWait()
    {
        server.RateLimitOnceThenReply("After the wait.", retryAfterSeconds: 1);
        using var host = AiHost.OpenAI(server);

        var watch = Stopwatch.StartNew();
        var response = await host.ChatClient.GetResponseAsync(Ask);
        watch.Stop();

        Assert.That(response.Text, Is.EqualTo("After the wait."));
        var requests = server.Requests;
        Assert.That(requests, Has.Count.EqualTo(2), "one 429, one success: the SDK's own retries are off");
        Assert.That(requests[1].ReceivedAt - requests[0].ReceivedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)));
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)));
    }

    [Test]
    public async Task Azure_RateLimited_IsRetriedAfterRetryAfter()
    {
        server.RateLimitOnceThenReply("Azure after the wait.", retryAfterSeconds: 1);
        using var host = AiHost.Azure(server, "chat");

        var response = await host.ChatClient.GetResponseAsync(Ask);

        Assert.That(response.Text, Is.EqualTo("Azure after the wait."));
        var requests = server.Requests;
        Assert.That(requests, Has.Count.EqualTo(2));
        Assert.That(requests[1].ReceivedAt - requests[0].ReceivedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)));
    }

    [Test]
    public void Hang_LongerThanTimeout_FailsWithTimeoutRejected_AfterTheTimeout()
    {
        server.HangFor(TimeSpan.FromSeconds(20));
        using var host = AiHost.OpenAI(server, new Dictionary<string, string?> { ["AI:Timeout"] = "00:00:01" });

        var watch = Stopwatch.StartNew();
        var ex = Assert.ThrowsAsync<TimeoutRejectedException>(() => host.ChatClient.GetResponseAsync(Ask));
        watch.Stop();

        Assert.That(ex!.Timeout, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950)).And.LessThan(TimeSpan.FromSeconds(8)));
    }

    [Test]
    public async Task ServerErrors_AreRetried_ThenSucceed()
    {
        server.FailTimes(2, 503);
        using var host = AiHost.OpenAI(server);

        var response = await host.ChatClient.GetResponseAsync(Ask);

        Assert.That(response.Text, Is.EqualTo("Fake reply 3."));
        Assert.That(server.Requests, Has.Count.EqualTo(3));
    }

    [Test]
    public void ServerErrors_BeyondMaxRetries_Fail_WithTheLastStatus()
    {
        server.FailTimes(10, 500);
        using var host = AiHost.OpenAI(server, new Dictionary<string, string?> { ["AI:MaxRetries"] = "2" });

        var ex = Assert.ThrowsAsync<ClientResultException>(() => host.ChatClient.GetResponseAsync(Ask));

        Assert.That(ex!.Status, Is.EqualTo(500));
        Assert.That(server.Requests, Has.Count.EqualTo(3), "1 try + 2 retries");
    }

    [Test]
    public void MaxRetriesZero_MakesExactlyOneRequest()
    {
        server.FailTimes(5, 500);
        using var host = AiHost.OpenAI(server, new Dictionary<string, string?> { ["AI:MaxRetries"] = "0" });

        Assert.ThrowsAsync<ClientResultException>(() => host.ChatClient.GetResponseAsync(Ask));

        Assert.That(server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public void BadRequest_IsNotRetried()
    {
        server.FailTimes(3, 400);
        using var host = AiHost.OpenAI(server);

        var ex = Assert.ThrowsAsync<ClientResultException>(() => host.ChatClient.GetResponseAsync(Ask));

        Assert.That(ex!.Status, Is.EqualTo(400));
        Assert.That(server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task RepeatedFailures_OpenTheCircuit_AndLaterCallsFailFastWithoutARequest()
    {
        server.FailTimes(100, 500);
        using var host = AiHost.OpenAI(server, new Dictionary<string, string?> { ["AI:MaxRetries"] = "1", ["AI:BreakDuration"] = "00:01:00" });

        var broken = 0;
        for (var call = 0; call < 6; call++)
        {
            try
            {
                await host.ChatClient.GetResponseAsync(Ask);
            }
            catch (BrokenCircuitException)
            {
                broken++;
            }
            catch (ClientResultException ex) when (ex.Status == 500)
            {
            }
        }

        Assert.That(broken, Is.EqualTo(2), "calls 5 and 6 find the circuit open");
        Assert.That(server.Requests, Has.Count.EqualTo(8), "the circuit opened after 8 failed attempts (4 calls x 2)");
    }

    [Test]
    public async Task Concurrency_IsLimitedToMaxConcurrency()
    {
        for (var i = 0; i < 6; i++)
        {
            server.HangFor(TimeSpan.FromMilliseconds(250));
        }

        using var host = AiHost.OpenAI(server, new Dictionary<string, string?> { ["AI:MaxConcurrency"] = "2" });

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => host.ChatClient.GetResponseAsync(Ask)));

        Assert.That(responses, Has.Length.EqualTo(6));
        Assert.That(server.MaxConcurrentRequests, Is.EqualTo(2));
    }
}
