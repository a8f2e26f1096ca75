using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Platform.Testing;

/// <summary>
/// A small local upstream standing in for one side of a route (the legacy system or the new services): it answers
/// every request with its name and the headers it received, so tests see where the gateway sent a request and how.
/// </summary>
public sealed class EchoUpstream : IAsyncDisposable
{
    private WebApplication? app;

    private EchoUpstream(string name, int port)
    {
        Name = name;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}/");

    public static async Task<EchoUpstream> StartAsync(string name)
    {
        var upstream = new EchoUpstream(name, FreePort.Next());
        await upstream.StartAsync();
        return upstream;
    }

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Port));
        app = builder.Build();
        app.Run(context => context.Response.WriteAsJsonAsync(new Dictionary<string, string?>
        {
            ["upstream"] = Name,
            ["path"] = context.Request.Path,
            ["x_org_id"] = context.Request.Headers["X-Org-Id"].ToString(),
            ["x_key_id"] = context.Request.Headers["X-Key-Id"].ToString(),
            ["x_scopes"] = context.Request.Headers["X-Scopes"].ToString(),
            ["x_gateway_signature"] = context.Request.Headers["X-Gateway-Signature"].ToString(),
            ["api_key"] = context.Request.Headers["api-key"].ToString(),
            ["api_secret"] = context.Request.Headers["api-secret"].ToString(),
        }));
        await app.StartAsync();
    }

    public async Task StopAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
            app = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
