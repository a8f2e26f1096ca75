using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Platform.BrowserTests;

public sealed partial class AnalyzerTests : BrowserTest
{
    private const string Proposal = """
        Clean Water for Rural Schools: project proposal

        The project installs rainwater harvesting tanks and filtration units in 40 rural schools in the Northern
        District over 24 months. The total budget is 480,000 EUR, of which 310,000 EUR for equipment and 90,000 EUR
        for training of school staff and water committees.

        Risks: delays in procurement of tanks during the rainy season; limited maintenance capacity in schools. The
        project mitigates them by framework contracts signed in month 1 and by training two caretakers per school.

        Expected results: 12,000 pupils have safe drinking water; absenteeism due to waterborne disease falls by 30%.
        Monitoring is quarterly, with an external evaluation at the end of the project.
        """;

    [Test]
    public async Task AnalyseUploadedFile_JobProgressesToFiveSections_WithFollowupFeedbackAndExport()
    {
        await SignInAsync();
        await Page.GotoAsync(WebAddress + "/Analyzer");
        await Page.GetByLabel("Document").SetInputFilesAsync(WriteFile("proposal.txt", Proposal));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Analyse" }).ClickAsync();

        // The job page follows the job (prompts done of five) and opens the analysis when it has finished.
        await Page.WaitForURLAsync(JobOrSession());
        await Page.WaitForURLAsync(SessionUrl(), new() { Timeout = 150_000 });
        var sections = Page.Locator("section.section");
        await Expect(sections).ToHaveCountAsync(5);
        for (var i = 1; i <= 5; i++)
        {
            await Expect(Page.Locator($"section[data-section=p{i}] .content")).Not.ToBeEmptyAsync();
        }

        await Expect(Page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("proposal.txt");

        await Page.GetByLabel("Ask about the document").FillAsync("What is the total budget?");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Ask", Exact = true }).ClickAsync();
        await Expect(Page.GetByText("Q: What is the total budget?")).ToBeVisibleAsync();

        var p2 = Page.Locator("section[data-section=p2]");
        await p2.Locator("summary").ClickAsync();
        await p2.GetByLabel("Rating").SelectOptionAsync("4");
        await p2.GetByRole(AriaRole.Button, new() { Name = "Send feedback" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("feedback on P2 recorded");

        var download = await Page.RunAndWaitForDownloadAsync(() =>
            Page.GetByRole(AriaRole.Link, new() { Name = "Download Markdown" }).ClickAsync());
        var saved = Path.Combine(TestContext.CurrentContext.WorkDirectory, "downloads", download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        Assert.Multiple(() =>
        {
            Assert.That(download.SuggestedFilename, Does.EndWith(".md"));
            Assert.That(File.ReadAllText(saved), Does.Contain("What is the total budget?"));
        });
    }

    [Test]
    public async Task BadUpload_ShowsTheServicesReadableError()
    {
        await SignInAsync();
        await Page.GotoAsync(WebAddress + "/Analyzer");
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "uploads", "picture.pdf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // A PNG named .pdf: the service identifies files by content and refuses it.
        File.WriteAllBytes(path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. new byte[256]]);
        await Page.GetByLabel("Document").SetInputFilesAsync(path);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Analyse" }).ClickAsync();

        var alert = Page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToBeVisibleAsync();
        await Expect(alert).ToContainTextAsync("unsupported", new() { IgnoreCase = true });
        var text = await Page.ContentAsync();
        Assert.That(text, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(text, Does.Not.Contain("Exception"));
    }

    [Test]
    public async Task PastAnalyses_ListedAndDeleted()
    {
        await SignInAsync();
        await Page.GotoAsync(WebAddress + "/Analyzer");
        await Page.GetByLabel("…or paste the text").FillAsync(Proposal);
        await Page.GetByLabel("User id").FillAsync("deleter");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Analyse" }).ClickAsync();
        await Page.WaitForURLAsync(SessionUrl(), new() { Timeout = 150_000 });

        await Page.GotoAsync(WebAddress + "/Analyzer/Sessions?userId=deleter");
        var rows = Page.Locator("tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await rows.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("deleted");
        await Expect(Page.GetByText("No analyses yet")).ToBeVisibleAsync();
    }

    private static Regex JobOrSession() => new("/Analyzer/(Job|Session)/[0-9a-f-]{36}");

    private static Regex SessionUrl() => new("/Analyzer/Session/[0-9a-f-]{36}$");
}
