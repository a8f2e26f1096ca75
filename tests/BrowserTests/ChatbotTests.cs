using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Platform.BrowserTests;

public sealed class ChatbotTests : BrowserTest
{
    private const string Handbook = """
        Field Office Handbook

        Travel and per diem. Staff travelling to project sites receive a per diem of 45 EUR per night in rural
        districts and 70 EUR per night in the capital. Travel must be approved by the country director one week ahead.

        Procurement. Purchases above 5,000 EUR need three written quotes. Purchases above 50,000 EUR go to open tender.

        Security. Field visits to the northern border region require a security briefing and a satellite phone.
        """;

    [Test]
    public async Task AskAboutUploadedDocument_AnswerStreamsInWithACitationShowingThePassage()
    {
        await SignInAsync();
        await Page.GotoAsync(WebAddress + "/Chatbot/Documents");
        var title = "Field Office Handbook " + Guid.NewGuid().ToString("N")[..6];
        await Page.GetByLabel("Document").SetInputFilesAsync(WriteFile("handbook.txt", Handbook));
        await Page.GetByLabel("Title").FillAsync(title);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        await Expect(Page.Locator($"tr[data-document='{title}'] [data-status]")).ToHaveTextAsync("ready", new() { Timeout = 60_000 });

        await Page.GotoAsync(WebAddress + "/Chatbot");
        await Page.GetByLabel("Your question").FillAsync("How much is the per diem in rural districts?");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Ask", Exact = true }).ClickAsync();

        var citation = Page.Locator("#messages li.assistant [data-citation]").First;
        await Expect(citation).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(citation).ToContainTextAsync(title);
        await Expect(citation.Locator("blockquote")).ToContainTextAsync("45 EUR");
        await Expect(Page.Locator("#messages li.assistant .content").First).ToContainTextAsync(new Regex(@"\[\d+\]"));
        await Expect(Page).ToHaveURLAsync(new Regex(@"session=[0-9a-f-]{36}"));

        // The conversation is kept: reading it again shows the question and the cited answer.
        await Page.ReloadAsync();
        await Expect(Page.Locator("#messages li.user")).ToContainTextAsync("per diem in rural districts");
        await Expect(Page.Locator("#messages li.assistant [data-citation]").First).ToContainTextAsync(title);
        // ... with the cited passage itself, as stored with the answer.
        await Expect(Page.Locator("#messages li.assistant [data-citation] blockquote").First).ToContainTextAsync("45 EUR");
    }
}
