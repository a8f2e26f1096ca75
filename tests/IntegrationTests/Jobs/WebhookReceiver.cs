using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Platform.Testing;

namespace Platform.IntegrationTests.Jobs;

/// <summary>A client's webhook endpoint on loopback that records every call and answers as the test says.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly Func<int, int> statusForCall;
    private readonly ConcurrentQueue<ReceivedCall> calls = new();

    private WebhookReceiver(WebApplication app, Func<int, int> statusForCall, Uri baseAddress)
    {
        this.app = app;
        this.statusForCall = statusForCall;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string HookUrl => new Uri(BaseAddress, "/hooks/jobs").ToString();

    public IReadOnlyList<ReceivedCall> Calls => [.. calls];

    /// <summary>Starts a receiver; <paramref name="statusForCall"/> maps the 1-based call number to the status it answers.</summary>
    public static async Task<WebhookReceiver> StartAsync(Func<int, int> statusForCall)
    {
        var port = FreePort.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, statusForCall, new Uri($"http://127.0.0.1:{port}"));
        app.Map("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var call = new ReceivedCall(
            context.Request.Method,
            context.Request.Path,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray());
        calls.Enqueue(call);
        var status = statusForCall(calls.Count);
        context.Response.StatusCode = status;
        if (status is >= 300 and < 400)
        {
            context.Response.Headers.Location = new Uri(BaseAddress, "/redirected").ToString();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}

public sealed record ReceivedCall(string Method, string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);
