using Microsoft.Extensions.DependencyInjection;
using Platform.Documents.Export;
using static Platform.UnitTests.Documents.Export.ExportFixtures;

namespace Platform.UnitTests.Documents.Export;

public sealed class ExportFormatsTests
{
    [TestCase("md", ExportFormat.Markdown)]
    [TestCase("markdown", ExportFormat.Markdown)]
    [TestCase(" MD ", ExportFormat.Markdown)]
    [TestCase("Markdown", ExportFormat.Markdown)]
    [TestCase(".md", ExportFormat.Markdown)]
    [TestCase("docx", ExportFormat.Docx)]
    [TestCase("DOCX", ExportFormat.Docx)]
    [TestCase(".docx", ExportFormat.Docx)]
    public void TryParseFormat_KnownNames_AreAccepted(string value, ExportFormat expected)
    {
        Assert.That(ExportFormats.TryParseFormat(value, out var format), Is.True);
        Assert.That(format, Is.EqualTo(expected));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    [TestCase("0")]
    [TestCase("1")]
    [TestCase("Docx2")]
    [TestCase("doc")]
    [TestCase("pdf")]
    [TestCase("txt")]
    [TestCase("mdx")]
    [TestCase("..md")]
    public void TryParseFormat_AnythingElse_IsRefused(string? value)
    {
        Assert.That(ExportFormats.TryParseFormat(value, out _), Is.False);
    }

    [Test]
    public void ContentTypeAndExtension_PerFormat()
    {
        Assert.That(ExportFormat.Markdown.ContentType(), Is.EqualTo("text/markdown; charset=utf-8"));
        Assert.That(ExportFormats.ContentType(ExportFormat.Docx), Is.EqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
        Assert.That(ExportFormat.Markdown.Extension(), Is.EqualTo(".md"));
        Assert.That(ExportFormats.Extension(ExportFormat.Docx), Is.EqualTo(".docx"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ((ExportFormat)7).ContentType());
    }

    [TestCase("Analysis: report 1/2", ExportFormat.Markdown, "Analysis-report-1-2.md")]
    [TestCase("  évaluation \"finale\" <v3>?  ", ExportFormat.Docx, "évaluation-finale-v3.docx")]
    [TestCase("..\\..\\etc\\passwd", ExportFormat.Markdown, "etc-passwd.md")]
    [TestCase("tab\tand\u0000nul", ExportFormat.Docx, "tab-andnul.docx")]
    [TestCase("report.", ExportFormat.Docx, "report.docx")]
    [TestCase(" / : * ", ExportFormat.Markdown, "export.md")]
    [TestCase(null, ExportFormat.Docx, "export.docx")]
    public void FileName_IsSafeForDownloads(string? name, ExportFormat format, string expected)
    {
        Assert.That(format.FileName(name), Is.EqualTo(expected));
    }

    [Test]
    public void FileName_LongName_IsCutTo100CharactersWithoutSplittingASurrogatePair()
    {
        var name = new string('a', 99) + "👍👍";

        var fileName = ExportFormat.Markdown.FileName(name);

        Assert.That(fileName, Is.EqualTo(new string('a', 99) + ".md"));
    }

    [Test]
    public void AddDocumentExport_RegistersOneSingletonExporter()
    {
        var services = new ServiceCollection().AddDocumentExport().AddDocumentExport();

        var descriptor = services.Single(s => s.ServiceType == typeof(IDocumentExporter));
        Assert.That(descriptor.Lifetime, Is.EqualTo(ServiceLifetime.Singleton));
        using var provider = services.BuildServiceProvider();
        Assert.That(provider.GetRequiredService<IDocumentExporter>(), Is.InstanceOf<DocumentExporter>());
    }

    [Test]
    public void Export_ProducesTheChosenFormat()
    {
        var document = Session();

        Assert.That(Exporter.Export(document, ExportFormat.Markdown), Is.EqualTo(Exporter.ToMarkdown(document)));
        Assert.That(Exporter.Export(document, ExportFormat.Docx)[..4], Is.EqualTo("PK\x03\x04"u8.ToArray()));
    }
}
