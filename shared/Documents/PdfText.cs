using UglyToad.PdfPig;
using UglyToad.PdfPig.Exceptions;

namespace Platform.Documents;

/// <summary>Extracts a PDF's paragraphs page by page with PdfPig (layout in <see cref="PdfLayout"/>).</summary>
internal static class PdfText
{
    public const string PasswordMessage =
        "The PDF is password-protected. Remove the password (print or save it as an unprotected PDF) and upload it again.";

    public const string ScannedMessage =
        "No text could be found in the PDF: it looks like a scanned document, with its pages stored as images. " +
        "Run it through OCR (text recognition) and upload the result, or upload the original DOCX or PDF.";

    public const string DamagedMessage =
        "The PDF could not be read: the file is damaged or incomplete. Save or export it again and upload the new file.";

    // New for every document: PdfPig may change the options it is given (its password list) while opening.
    private static ParsingOptions Parsing() => new()
    {
        UseLenientParsing = true,
        // A missing font loses that font's text, not the whole document.
        SkipMissingFonts = true,
        ClipPaths = false,
    };

    public static (List<DocumentPassage> Passages, int PageCount) Read(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        try
        {
            using var document = PdfDocument.Open(bytes, Parsing());
            var passages = new List<DocumentPassage>();
            for (var number = 1; number <= document.NumberOfPages; number++)
            {
                ct.ThrowIfCancellationRequested();
                var paragraph = 0;
                foreach (var text in PdfLayout.Paragraphs(document.GetPage(number)))
                {
                    passages.Add(new DocumentPassage(text, number, ++paragraph));
                }
            }

            if (passages.Count == 0)
            {
                throw new UnreadableDocumentException(ScannedMessage);
            }

            return (passages, document.NumberOfPages);
        }
        catch (PdfDocumentEncryptedException ex)
        {
            throw new UnreadableDocumentException(PasswordMessage, ex);
        }
        catch (Exception ex) when (ex is not (UnreadableDocumentException or OperationCanceledException or OutOfMemoryException))
        {
            // PdfPig reports damage with many exception types (format, index, argument, invalid operation...).
            throw new UnreadableDocumentException(DamagedMessage, ex);
        }
    }
}
