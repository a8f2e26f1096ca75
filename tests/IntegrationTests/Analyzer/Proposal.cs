using System.Text;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;

namespace Platform.IntegrationTests.Analyzer;

/// <summary>A realistic small funding proposal, as text and as a generated PDF, for analyses that must quote it.</summary>
public static class Proposal
{
    public static readonly string[] Pages =
    [
        """
        Clean Water for Rural Schools in Northern Malawi. Project proposal submitted by Maji Safi Trust to the Global Water Fund, 2027 call.
        The project will provide safe drinking water and handwashing stations to 40 primary schools in Mzimba District, reaching 18,500 pupils.
        The overall goal is to reduce waterborne disease among school children by 30% within two years.
        The total budget requested is USD 480,000 over 24 months, with co-funding of USD 60,000 from the district council.
        """,
        """
        Methodology. Each school receives a borehole with a solar pump, a 5,000 litre storage tank and four handwashing stations.
        School water committees will be trained in maintenance and basic repairs, and a revolving repair fund will be established.
        The baseline survey in March 2026 found that only 12 of the 40 schools had a functioning water point.
        Indicators include the number of functioning water points, the absenteeism rate, and the incidence of diarrhoea reported by clinics.
        Monitoring will be quarterly, with an independent evaluation at month 22.
        """,
        """
        Risks and mitigation. The main risk is pump failure due to theft of solar panels; mitigation includes anti-theft mounting and community guards.
        A second risk is drought lowering the water table; hydrogeological surveys will select drilling sites.
        The project complies with the Fund's safeguarding policy, and all staff will sign the code of conduct.
        Financial reports will be submitted every six months and an external audit will be performed at the end of the project.
        """,
    ];

    public static string Text => string.Join("\n\n", Pages.Select(p => string.Join(' ', p.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))));

    public static byte[] Pdf()
    {
        var builder = new PdfDocumentBuilder();
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        foreach (var pageText in Pages)
        {
            var page = builder.AddPage(595, 842);
            var y = 800.0;
            foreach (var paragraph in pageText.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
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
