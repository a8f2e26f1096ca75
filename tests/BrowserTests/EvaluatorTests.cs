using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Platform.BrowserTests;

public sealed class EvaluatorTests : BrowserTest
{
    private const string TermsOfReference = """
        Terms of Reference: call for proposals on safe water in schools

        1. The applicant must describe how many schools will receive water tanks.
        2. The proposal shall include a budget broken down by equipment and training.
        3. The project must include a gender and inclusion strategy for girls with disabilities.
        4. Reporting: the grantee shall submit quarterly monitoring reports.
        """;

    private const string Proposal = """
        Clean Water for Rural Schools

        The project installs rainwater harvesting tanks in 40 rural schools over 24 months.
        The budget is 480,000 EUR: 310,000 EUR for equipment and 90,000 EUR for training of school staff.
        Monitoring is quarterly, with monitoring reports to the funder each quarter.
        """;

    [Test]
    public async Task Evaluate_ShowsThreeAnalysesAndTheAlignmentTable_WithFollowupAndFeedback()
    {
        await SignInAsync();
        await Page.GotoAsync(WebAddress + "/Evaluator");
        await Page.Locator("#proposalFile").SetInputFilesAsync(WriteFile("proposal.md", Proposal));
        await Page.GetByLabel("…or paste the ToR").FillAsync(TermsOfReference);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Evaluate" }).ClickAsync();

        await Page.WaitForURLAsync(new Regex("/Evaluator/Session/[0-9a-f-]{36}$"), new() { Timeout = 150_000 });
        await Expect(Page.Locator("section.section")).ToHaveCountAsync(3);
        var table = Page.GetByRole(AriaRole.Table, new() { Name = "Alignment with the Terms of Reference" });
        await Expect(table).ToBeVisibleAsync();
        await Expect(table.Locator("tbody tr")).Not.ToHaveCountAsync(0);
        await Expect(table).ToContainTextAsync("budget");
        await Expect(table.Locator("tbody tr[data-status=covered] blockquote").First).ToContainTextAsync("EUR");
        await Expect(table.Locator("tbody tr[data-status=missing]").First).ToContainTextAsync("gender");

        await Page.GetByLabel("Ask about the proposal and the ToR").FillAsync("Which requirement is missing?");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Ask", Exact = true }).ClickAsync();
        await Expect(Page.GetByText("Q: Which requirement is missing?")).ToBeVisibleAsync();

        await Page.GetByText("Feedback on the alignment table").ClickAsync();
        await Page.Locator("#rating-alignment").SelectOptionAsync("5");
        await Page.Locator("#comment-alignment").FillAsync("clear");
        await Page.Locator("#comment-alignment").PressAsync("Enter");
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("feedback on alignment recorded");
    }
}
