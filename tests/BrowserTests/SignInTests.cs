using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Platform.BrowserTests;

public sealed class SignInTests : BrowserTest
{
    [Test]
    public async Task Metrics_ArePublishedForPrometheus_WithoutSigningIn()
    {
        using var http = new HttpClient();
        using (await http.GetAsync(WebAddress + "/SignIn"))
        {
        }

        using var response = await http.GetAsync(WebAddress + "/metrics");

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(text, Does.Match("http_server_request_duration_seconds_count\\{[^}]*http_route=\"/?SignIn\""));
        Assert.That(text, Does.Contain("dotnet_gc_collections_total"));
    }

    [Test]
    public async Task SignIn_WithKeyAndSecret_ShowsOrganisationAndPagesOfItsScopes()
    {
        await SignInAsync();

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(BrowserSetup.Key.OrgName);
        var nav = Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        foreach (var page in new[] { "Analyzer", "Chatbot", "Evaluator", "Admin", "Ops" })
        {
            await Expect(nav.GetByRole(AriaRole.Link, new() { Name = page, Exact = true })).ToBeVisibleAsync();
        }

        await Expect(Page.GetByRole(AriaRole.Table)).ToContainTextAsync("Gateway");
        var cookies = await Page.Context.CookiesAsync();
        var auth = cookies.Single(c => c.Name == "platform.web");
        Assert.Multiple(() =>
        {
            Assert.That(auth.HttpOnly, Is.True);
            Assert.That(auth.SameSite, Is.EqualTo(SameSiteAttribute.Strict));
            Assert.That(auth.Value, Does.Not.Contain(BrowserSetup.Key.Secret));
        });
        Assert.That(await Page.ContentAsync(), Does.Not.Contain(BrowserSetup.Key.Secret));
    }

    [Test]
    public async Task SignIn_WrongSecret_SaysSoAndStaysSignedOut()
    {
        await Page.GotoAsync(WebAddress + "/SignIn");
        await Page.GetByLabel("API key").FillAsync(BrowserSetup.Key.Key);
        await Page.GetByLabel("API secret").FillAsync("not-the-secret");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("were not accepted");
        await Page.GotoAsync(WebAddress + "/Analyzer");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/SignIn"));
    }

    [Test]
    public async Task KeyWithoutScope_PageHiddenAndRefused()
    {
        var analystOnly = await TestKey.CreateAsync("analyzer");
        await SignInAsync(analystOnly);

        var nav = Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Analyzer", Exact = true })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Ops", Exact = true })).ToHaveCountAsync(0);
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true })).ToHaveCountAsync(0);

        await Page.GotoAsync(WebAddress + "/Ops");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Not allowed");
    }

    [Test]
    public async Task SignOut_EndsTheSession()
    {
        await SignInAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/SignIn"));
        await Page.GotoAsync(WebAddress + "/");
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/SignIn"));
    }
}
