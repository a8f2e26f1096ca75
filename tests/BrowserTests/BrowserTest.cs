using Microsoft.Playwright;
using Platform.Testing;

namespace Platform.BrowserTests;

/// <summary>
/// A fresh browser context per test (its own cookies), a phone-or-desktop viewport, and a screenshot of where the
/// test ended saved with the test results.
/// </summary>
public abstract class BrowserTest
{
    private static readonly TimeSpan SlowSignIn = TimeSpan.FromSeconds(10);

    private IBrowserContext? context;

    protected IPage Page { get; private set; } = null!;

    protected static string WebAddress => BrowserSetup.Web.BaseAddress.ToString().TrimEnd('/');

    protected virtual ViewportSize Viewport => new() { Width = 1280, Height = 900 };

    [SetUp]
    public async Task OpenAsync()
    {
        context = await BrowserSetup.Browser.NewContextAsync(new() { ViewportSize = Viewport, AcceptDownloads = true });
        context.SetDefaultTimeout(30_000);
        Page = await context.NewPageAsync();
    }

    [TearDown]
    public async Task CloseAsync()
    {
        if (context is null)
        {
            return;
        }

        if (TestContext.CurrentContext.Result.Outcome.Status == NUnit.Framework.Interfaces.TestStatus.Failed)
        {
            // A test that timed out waiting for a page: which requests were slow, and where (all apps, this run).
            WriteSlowRequests();
        }

        try
        {
            var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, TestContext.CurrentContext.Test.Name + ".png");
            await Page.ScreenshotAsync(new() { Path = path, FullPage = true });
            TestContext.AddTestAttachment(path, TestContext.CurrentContext.Test.Name);
        }
        finally
        {
            await context.DisposeAsync();
        }
    }

    /// <summary>Signs in through the form with the run's key (or the given one) and waits for the home page.</summary>
    protected async Task SignInAsync(TestKey? key = null)
    {
        key ??= BrowserSetup.Key;
        await Page.GotoAsync(WebAddress + "/SignIn");
        await Page.GetByLabel("API key").FillAsync(key.Key);
        await Page.GetByLabel("API secret").FillAsync(key.Secret);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // A generous ceiling: sign-in makes several calls through the gateway, each a service's first request early in
        // the run, on a machine the whole fleet and the browser share. A slow one is reported, not failed.
        await Page.WaitForURLAsync(WebAddress + "/", new() { Timeout = 90_000 });
        if (clock.Elapsed > SlowSignIn)
        {
            TestContext.Out.WriteLine($"Sign-in took {clock.Elapsed.TotalSeconds:F1} s.");
            WriteSlowRequests();
        }
    }

    /// <summary>Writes the requests of this run that took 5 s or more, in every app of the fleet and the Web UI.</summary>
    private static void WriteSlowRequests()
    {
        var slow = Fleet.AppNames.Select(Fleet.App).Append(BrowserSetup.Web)
            .SelectMany(app => app.SlowRequests(TimeSpan.FromSeconds(5))).Order(StringComparer.Ordinal).ToList();
        TestContext.Out.WriteLine(slow.Count == 0
            ? "No request took 5 s or more in any app of the fleet."
            : "Requests that took 5 s or more (finished at, app: request):\n" + string.Join('\n', slow.TakeLast(20)));
    }

    /// <summary>A small text file for uploads, written under the test's work directory.</summary>
    protected static string WriteFile(string name, string content)
    {
        var dir = Path.Combine(TestContext.CurrentContext.WorkDirectory, "uploads");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }
}
