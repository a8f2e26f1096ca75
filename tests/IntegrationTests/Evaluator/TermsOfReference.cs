using System.Text;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Platform.IntegrationTests.Evaluator;

/// <summary>
/// A generated Terms of Reference with exactly ten requirements, and a proposal that covers seven of them fully,
/// one partly (requirement 8: half its key terms) and misses two (9 and 10), each requirement with its own vocabulary.
/// </summary>
public static class TermsOfReference
{
    public const string Text = """
        Terms of Reference

        Community Resilience Call for the Northern Region. Proposals are invited for a two-year programme that starts in spring.

        Requirements

        1. The programme must train 200 community health volunteers in maternal nutrition counselling.
        2. A baseline survey of household water access in three districts is a required deliverable.
        3. Applicants must be registered charities with at least five years of field experience in the region.
        4. The total budget shall not exceed EUR 450,000 and indirect costs are capped at seven percent.
        5. The final narrative report is due within 60 days after the closing date.
        6. Quarterly financial statements must be uploaded to the donor portal.
        7. A grievance mechanism for beneficiaries shall be established in every village.
        8. A gender equality strategy with disaggregated monitoring indicators is required.
        9. Solar cold storage units must be installed at twelve rural clinics.
        10. An independent mid-term evaluation must be commissioned from an accredited auditor.

        Questions about this call may be sent to the programme officer.
        """;

    public static readonly string[] Expected =
    [
        "covered", "covered", "covered", "covered", "covered", "covered", "covered", "partial", "missing", "missing",
    ];

    public const string Proposal = """
        Lakeside Relief partnership

        We will train 200 community health volunteers in maternal nutrition counselling across the programme area.

        In the first months we conduct a baseline survey of household water access in all three districts.

        Lakeside Relief is listed among the registered charities of the region and has five years of field experience there.

        The total budget is EUR 450,000, which does not exceed the ceiling, and indirect costs are capped at seven percent.

        The final narrative report will be delivered within 60 days of the closing date, before it is due.

        Quarterly financial statements will be uploaded to the donor portal by our finance officer.

        A grievance mechanism for beneficiaries will be established in every village committee.

        Our gender equality strategy is attached as an annex.

        We look forward to working with you.
        """;

    /// <summary>The proposal as a two-page PDF: the first five paragraphs on page 1, the rest on page 2.</summary>
    public static byte[] ProposalPdf()
    {
        var paragraphs = Proposal.Split("\n\n", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var pageParagraphs in paragraphs.Chunk(5))
        {
            var page = builder.AddPage(595, 842);
            var y = 800.0;
            foreach (var paragraph in pageParagraphs)
            {
                foreach (var line in Wrap(paragraph, 90))
                {
                    page.AddText(line, 10, new PdfPoint(40, y), font);
                    y -= 14;
                }

                y -= 14;
            }
        }

        return builder.Build();
    }

    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length + word.Length + 1 > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            if (line.Length > 0)
            {
                line.Append(' ');
            }

            line.Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }
}
