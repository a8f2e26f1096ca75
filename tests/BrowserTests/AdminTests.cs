using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Platform.BrowserTests;

public sealed class AdminTests : BrowserTest
{
    [Test]
    public async Task CreateApiKey_SecretShownOnce_AndTheNewKeySignsIn()
    {
        await SignInAsync();
        await Page.GotoAsync(WebAddress + "/Admin/ApiKeys");
        await Page.GetByLabel("Name").FillAsync("reporting app");
        await Page.GetByLabel("analyzer").CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();

        var created = Page.Locator("[data-created-key]");
        await Expect(created).ToContainTextAsync("shown only this once");
        await Expect(created.GetByRole(AriaRole.Button, new() { Name = "Copy secret" })).ToBeVisibleAsync();
        var key = (await Page.Locator("#new-key").TextContentAsync())!.Trim();
        var secret = (await Page.Locator("#new-secret").TextContentAsync())!.Trim();
        Assert.That(secret, Has.Length.GreaterThan(20));
        await Expect(Page.Locator("tbody tr", new() { HasText = "reporting app" })).ToContainTextAsync("analyzer");

        // Once: reading the page again shows the key in the list, never its secret.
        await Page.GotoAsync(WebAddress + "/Admin/ApiKeys");
        await Expect(Page.Locator("tbody tr", new() { HasText = "reporting app" })).ToHaveCountAsync(1);
        Assert.That(await Page.ContentAsync(), Does.Not.Contain(secret));

        // The secret works: the new key signs in with just its scope.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await SignInAsync(BrowserSetup.Key with { Key = key, Secret = secret });
        var nav = Page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Analyzer", Exact = true })).ToBeVisibleAsync();
        await Expect(nav.GetByRole(AriaRole.Link, new() { Name = "Admin", Exact = true })).ToHaveCountAsync(0);
    }

    [Test]
    public async Task PromptNewVersion_DiffAndRollback()
    {
        await SignInAsync();
        await Page.GotoAsync(WebAddress + "/Admin/Prompts");
        var key = "analyzer.p" + Random.Shared.Next(1, 6);
        await Page.GetByLabel("Key").FillAsync(key);
        await Page.GetByLabel("Template").FillAsync("Summarise {document}\nin three lines.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create prompt" }).ClickAsync();
        await Expect(Page.Locator("[data-active-version]")).ToHaveTextAsync("v1");

        await Page.GetByLabel("Template").FillAsync("Summarise {document}\nin five lines.");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save as a new version and activate it" }).ClickAsync();
        await Expect(Page.Locator("[data-active-version]")).ToHaveTextAsync("v2");
        await Expect(Page.Locator(".diff .del")).ToContainTextAsync("in three lines.");
        await Expect(Page.Locator(".diff .add")).ToContainTextAsync("in five lines.");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Activate version 1" }).ClickAsync();
        await Expect(Page.Locator("[data-active-version]")).ToHaveTextAsync("v1");
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("v1 is now active");
    }
}
