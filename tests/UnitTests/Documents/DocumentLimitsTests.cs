using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Documents;
using static Platform.UnitTests.Documents.DocumentFixtures;

namespace Platform.UnitTests.Documents;

public sealed class DocumentLimitsTests
{
    private const int OneMegabyte = 1024 * 1024;

    [Test]
    public void EndlessStream_Is413_StoppingRightAfterTheLimit()
    {
        var stream = new EndlessStream();

        var ex = Assert.ThrowsAsync<DocumentTooLargeException>(
            () => Extractor(OneMegabyte).ExtractAsync(stream, "endless.txt", CancellationToken.None));

        Assert.That(ex!.StatusCode, Is.EqualTo(413));
        Assert.That(ex.Message, Does.Contain("1 MB"));
        Assert.That(ex.MaxBytes, Is.EqualTo(OneMegabyte));
        Assert.That(stream.BytesRead, Is.EqualTo(OneMegabyte + 1));
    }

    [Test]
    public void SeekableStreamLongerThanTheLimit_Is413_WithoutReadingAByte()
    {
        var stream = new HugeSeekableStream(10L * 1024 * OneMegabyte);

        Assert.ThrowsAsync<DocumentTooLargeException>(
            () => Extractor().ExtractAsync(stream, "huge.pdf", CancellationToken.None));

        Assert.That(stream.BytesRead, Is.Zero);
    }

    [Test]
    public void DefaultLimit_MessageSays20MB()
    {
        var ex = Assert.ThrowsAsync<DocumentTooLargeException>(
            () => Extractor().ExtractAsync(new EndlessStream(), "big.txt", CancellationToken.None));

        Assert.That(ex!.Message, Does.Contain("20 MB"));
    }

    [Test]
    public async Task ExactlyAtTheLimit_IsAccepted()
    {
        var bytes = Encoding.ASCII.GetBytes(new string('a', 4096));

        var document = await ExtractAsync(bytes, "limit.txt", maxBytes: 4096);

        Assert.That(document.SizeBytes, Is.EqualTo(4096));
    }

    [Test]
    public void OneByteOverTheLimit_Is413()
    {
        var bytes = Encoding.ASCII.GetBytes(new string('a', 4097));

        Assert.ThrowsAsync<DocumentTooLargeException>(() => ExtractAsync(bytes, "over.txt", maxBytes: 4096));
    }

    [Test]
    public async Task FormFile_IsReadWithItsName()
    {
        var pdf = Pdf(["Uploaded through a form."]);
        var file = new FormFile(new MemoryStream(pdf), 0, pdf.Length, "file", "upload.bin");

        var document = await Extractor().ExtractAsync(file, CancellationToken.None);

        Assert.That(document.FileName, Is.EqualTo("upload.bin"));
        Assert.That(document.Kind, Is.EqualTo(DocumentKind.Pdf));
        Assert.That(document.Text, Is.EqualTo("Uploaded through a form."));
    }

    [Test]
    public void FormFile_ZeroLength_Is422()
    {
        var file = new FormFile(new MemoryStream(), 0, 0, "file", "empty.pdf");

        var ex = Assert.ThrowsAsync<UnreadableDocumentException>(() => Extractor().ExtractAsync(file, CancellationToken.None));

        Assert.That(ex!.StatusCode, Is.EqualTo(422));
        Assert.That(ex.Message, Does.Contain("empty"));
    }

    [Test]
    public void AddDocuments_BindsTheSectionAndRegistersOneExtractor()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Documents:MaxBytes"] = "1048576" });

        builder.AddDocuments();
        using var host = builder.Build();

        Assert.That(host.Services.GetRequiredService<IOptions<DocumentOptions>>().Value.MaxBytes, Is.EqualTo(OneMegabyte));
        var first = host.Services.GetRequiredService<IDocumentExtractor>();
        var second = host.Services.GetRequiredService<IDocumentExtractor>();
        Assert.That(first, Is.InstanceOf<DocumentExtractor>().And.SameAs(second));
    }

    [Test]
    public void AddDocuments_DefaultsTo20MB()
    {
        var builder = Host.CreateApplicationBuilder();

        builder.AddDocuments();
        using var host = builder.Build();

        Assert.That(host.Services.GetRequiredService<IOptions<DocumentOptions>>().Value.MaxBytes, Is.EqualTo(20 * OneMegabyte));
    }

    [TestCase("0")]
    [TestCase("-5")]
    [TestCase("1073741824")]
    public void AddDocuments_OutOfRangeLimit_StopsTheAppAtStart(string maxBytes)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Documents:MaxBytes"] = maxBytes });
        builder.AddDocuments();
        using var host = builder.Build();

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.That(ex!.Message, Does.Contain("Documents:MaxBytes"));
    }
}
