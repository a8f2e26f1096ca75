using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Platform.Testing;

namespace Platform.BrowserTests;

/// <summary>
/// Once per run: the fleet (real processes on the real servers), the Web UI pointed at its gateway, an organisation
/// with a key holding every scope, and Debian's chromium driven by Playwright (no downloaded browser).
/// </summary>
[SetUpFixture]
public sealed class BrowserSetup
{
    public const string Chromium = "/usr/bin/chromium";

    private static IPlaywright? playwright;
    private static IBrowser? browser;
    private static AppProcess? web;
    private static string? keysDirectory;

    public static IBrowser Browser => browser ?? throw new InvalidOperationException("The browser is not running.");

    public static AppProcess Web => web ?? throw new InvalidOperationException("The Web UI is not running.");

    /// <summary>An organisation's key with every scope, made for this run.</summary>
    public static TestKey Key { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        Assert.That(File.Exists(Chromium), Is.True, $"{Chromium} is missing: deploy/local/up.sh installs Debian's chromium (make test runs it).");
        await Fleet.StartAsync();
        Key = await TestKey.CreateAsync("analyzer", "chatbot", "evaluator", "admin", "ops");

        keysDirectory = Path.Combine(Path.GetTempPath(), "web-keys-" + Guid.NewGuid().ToString("N"));
        web = await StartWebAsync(FreePort.Next());

        playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"],
        });
    }

    /// <summary>Stops the Web UI and starts it again on the same port with the same Data Protection keys.</summary>
    public static async Task RestartWebAsync()
    {
        var port = Web.Port;
        await Web.DisposeAsync();
        web = await StartWebAsync(port);
    }

    private static async Task<AppProcess> StartWebAsync(int port)
    {
        var app = AppProcess.Start("web", "services/Web/Web.csproj", port, new Dictionary<string, string>
        {
            ["Web__GatewayAddress"] = Fleet.Gateway.BaseAddress.ToString(),
            ["Web__KeysDirectory"] = keysDirectory!,
        });
        await app.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
        return app;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
        if (web is not null)
        {
            await web.DisposeAsync();
        }

        await Fleet.StopAsync();
        if (keysDirectory is not null && Directory.Exists(keysDirectory))
        {
            Directory.Delete(keysDirectory, recursive: true);
        }
    }
}

/// <summary>A real API key made through Admin (signed as the platform, as the gateway would), for signing in.</summary>
public sealed record TestKey(Guid OrgId, string OrgName, string Key, string Secret)
{
    public static async Task<TestKey> CreateAsync(params string[] scopes)
    {
        var platform = new SignedClient(Fleet.App("admin").Client, Guid.NewGuid(), "browser-tests", "platform", "admin");
        var slug = "web-" + Guid.NewGuid().ToString("N")[..12];
        var name = "Browser Test Org " + slug[4..];
        var org = await PostAsync(platform, "api/v1/admin/organizations", new { name, slug });
        var orgId = (Guid)org["id"]!;
        var key = await PostAsync(platform, $"api/v1/admin/api-keys?org_id={orgId}", new { name = "browser-tests", scopes });
        return new TestKey(orgId, name, (string)key["api_key"]!, (string)key["api_secret"]!);
    }

    private static async Task<JsonNode> PostAsync(SignedClient client, string path, object body)
    {
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = Json.Body(body) });
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), text);
        return JsonNode.Parse(text)!;
    }

    public override string ToString() => $"TestKey {{ OrgId = {OrgId} }}";
}
