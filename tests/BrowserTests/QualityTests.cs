using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Platform.BrowserTests;

/// <summary>Phone width and keyboard use.</summary>
public sealed class PhoneTests : BrowserTest
{
    protected override ViewportSize Viewport => new() { Width = 360, Height = 740 };

    [Test]
    public async Task Pages_FitAPhoneScreenWithoutSidewaysScrolling()
    {
        await SignInAsync();
        foreach (var path in new[] { "/", "/Analyzer", "/Evaluator", "/Chatbot", "/Admin/ApiKeys", "/Ops" })
        {
            await Page.GotoAsync(WebAddress + path);
            await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToBeVisibleAsync();
            var overflow = await Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.That(overflow, Is.LessThanOrEqualTo(0), $"{path} scrolls sideways by {overflow} px at 360 px wide");
        }
    }

    [Test]
    public async Task SignIn_ByKeyboardAlone()
    {
        await Page.GotoAsync(WebAddress + "/SignIn");
        await Page.Keyboard.PressAsync("Tab");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Skip to content" })).ToBeFocusedAsync();
        await Page.GetByLabel("API key").FocusAsync();
        await Page.Keyboard.TypeAsync(BrowserSetup.Key.Key);
        await Page.Keyboard.PressAsync("Tab");
        await Page.Keyboard.TypeAsync(BrowserSetup.Key.Secret);
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(BrowserSetup.Key.OrgName);
    }
}

/// <summary>Restarts the Web UI, so it runs alone.</summary>
[NonParallelizable]
public sealed class RestartTests : BrowserTest
{
    [Test]
    public async Task WebRestart_KeepsPeopleSignedIn()
    {
        await SignInAsync();
        await BrowserSetup.RestartWebAsync();
        await Page.GotoAsync(WebAddress + "/");
        await Expect(Page).ToHaveURLAsync(WebAddress + "/");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(BrowserSetup.Key.OrgName);
    }
}
