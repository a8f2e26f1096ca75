using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Platform.Documents;

/// <summary>
/// The default <see cref="IDocumentExtractor"/>: PDF with PdfPig, DOCX with the Open XML SDK, text as UTF-8 or
/// UTF-16. Stateless and thread-safe; registered as a singleton.
/// </summary>
public sealed partial class DocumentExtractor(IOptions<DocumentOptions> options, ILogger<DocumentExtractor> logger)
    : IDocumentExtractor
{
    private const string PastedTextName = "pasted-text.txt";
    private const int MaxFileNameLength = 255;

    // Compound File Binary: .doc, .xls and .ppt from before Office 2007.
    private static ReadOnlySpan<byte> Ole2Signature => [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

    /// <inheritdoc />
    public async Task<ExtractedDocument> ExtractAsync(Stream content, string fileName, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        var name = SafeFileName(fileName);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var bytes = await BoundedReader.ReadAsync(content, options.Value.MaxBytes, ct);
            var (kind, passages, pageCount) = Extract(bytes, name, ct);
            var document = Create(name, kind, passages, bytes, pageCount);
            LogExtracted(logger, kind, document.SizeBytes, pageCount, passages.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return document;
        }
        catch (Exception ex) when (ex is DocumentTooLargeException or UnsupportedDocumentException or UnreadableDocumentException)
        {
            LogRefused(logger, ex.GetType().Name, ex.InnerException?.GetType().Name);
            throw;
        }
    }

    /// <inheritdoc />
    public ExtractedDocument ExtractText(string text, string? name)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > options.Value.MaxBytes)
        {
            throw new DocumentTooLargeException(options.Value.MaxBytes);
        }

        var passages = TextPassages(text, markdown: false);
        return Create(string.IsNullOrWhiteSpace(name) ? PastedTextName : SafeFileName(name), DocumentKind.Text, passages, bytes, null);
    }

    private static (DocumentKind Kind, List<DocumentPassage> Passages, int? PageCount) Extract(
        ArraySegment<byte> bytes, string fileName, CancellationToken ct)
    {
        var span = bytes.AsSpan();
        if (span.IsEmpty)
        {
            throw new UnreadableDocumentException(UnreadableDocumentException.NoTextMessage);
        }

        if (span.StartsWith("%PDF-"u8))
        {
            var (passages, pages) = PdfText.Read(bytes, ct);
            return (DocumentKind.Pdf, passages, pages);
        }

        if (span.StartsWith("PK\x03\x04"u8))
        {
            return DocxText.Inspect(bytes) switch
            {
                DocxText.ZipContent.WordDocument => (DocumentKind.Docx, NonEmpty(DocxText.Read(bytes, ct)), null),
                DocxText.ZipContent.DamagedWordDocument => throw new UnreadableDocumentException(DocxText.DamagedMessage),
                DocxText.ZipContent.OtherPackage => throw new UnsupportedDocumentException(
                    "The file is a ZIP package but not a Word document (spreadsheets, presentations and archives are not supported)."),
                _ => throw new UnsupportedDocumentException("The file is a ZIP archive that could not be opened."),
            };
        }

        if (span.StartsWith("PK\x05\x06"u8))
        {
            throw new UnsupportedDocumentException("The file is an empty ZIP archive.");
        }

        if (span.StartsWith(Ole2Signature))
        {
            throw new UnsupportedDocumentException(
                "Older Office files (.doc, .xls, .ppt) are not supported: save the file as DOCX or PDF first.");
        }

        var text = PlainText.TryDecode(span) ?? throw new UnsupportedDocumentException(
            "The file is neither a PDF or Word document nor UTF-8 or UTF-16 text.");
        var markdown = IsMarkdownName(fileName);
        return (markdown ? DocumentKind.Markdown : DocumentKind.Text, TextPassages(text, markdown), null);
    }

    private static List<DocumentPassage> TextPassages(string text, bool markdown) =>
        NonEmpty([.. PlainText.SplitParagraphs(text, markdown).Select((p, i) => new DocumentPassage(p, null, i + 1))]);

    private static List<DocumentPassage> NonEmpty(List<DocumentPassage> passages) =>
        passages.Count > 0 ? passages : throw new UnreadableDocumentException(UnreadableDocumentException.NoTextMessage);

    private static ExtractedDocument Create(
        string fileName, DocumentKind kind, List<DocumentPassage> passages, ReadOnlySpan<byte> bytes, int? pageCount) =>
        new(
            fileName,
            kind,
            string.Join("\n\n", passages.Select(p => p.Text)),
            passages,
            Convert.ToHexStringLower(SHA256.HashData(bytes)),
            bytes.Length,
            pageCount);

    private static bool IsMarkdownName(string fileName) =>
        fileName.EndsWith(".md", StringComparison.OrdinalIgnoreCase)
        || fileName.EndsWith(".markdown", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The file name without any directory part (some browsers send a full Windows path), control characters or
    /// surrounding whitespace, at most 255 characters; "document" when nothing is left.
    /// </summary>
    internal static string SafeFileName(string? fileName)
    {
        var name = fileName ?? "";
        name = name[(name.LastIndexOfAny(['/', '\\']) + 1)..];
        name = new string([.. name.Where(c => !char.IsControl(c))]).Trim();
        if (name.Length > MaxFileNameLength)
        {
            var extension = Path.GetExtension(name);
            name = extension.Length is > 0 and <= 16
                ? name[..(MaxFileNameLength - extension.Length)] + extension
                : name[..MaxFileNameLength];
        }

        return name.Length > 0 ? name : "document";
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Extracted {Kind} document: {SizeBytes} bytes, {PageCount} pages, {PassageCount} passages in {ElapsedMs:0} ms")]
    private static partial void LogExtracted(ILogger logger, DocumentKind kind, long sizeBytes, int? pageCount, int passageCount, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Document refused: {Reason} ({Cause})")]
    private static partial void LogRefused(ILogger logger, string reason, string? cause);
}
