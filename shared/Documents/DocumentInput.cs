using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults;

namespace Platform.Documents;

/// <summary>
/// Reads the legacy form shape the analyzer and evaluator accept: a document either as a file field or as pasted text,
/// from <c>application/x-www-form-urlencoded</c> or <c>multipart/form-data</c> (legacy clients send either).
/// </summary>
public static class DocumentInput
{
    /// <summary>The request's form; a body that is not a form is 415.</summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken ct)
    {
        if (!request.HasFormContentType)
        {
            throw new ProblemException(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                "Send the fields as a form: application/x-www-form-urlencoded or multipart/form-data.");
        }

        return await request.ReadFormAsync(ct);
    }

    /// <summary>
    /// The document from <paramref name="fileField"/> or <paramref name="textField"/>; null when neither was sent
    /// (the caller answers 400 naming the fields). Sending both is a 400 too, so nothing is silently ignored.
    /// </summary>
    public static async Task<ExtractedDocument?> ReadDocumentAsync(
        IFormCollection form, IDocumentExtractor extractor, string fileField, string textField, CancellationToken ct)
    {
        var file = form.Files.GetFile(fileField);
        var text = form[textField].ToString();
        if (file is not null && !string.IsNullOrWhiteSpace(text))
        {
            throw new ProblemException(StatusCodes.Status400BadRequest, "Bad request",
                $"Send either the file '{fileField}' or the text '{textField}', not both.");
        }

        if (file is not null)
        {
            return await extractor.ExtractAsync(file, ct);
        }

        return string.IsNullOrWhiteSpace(text) ? null : extractor.ExtractText(text, null);
    }
}
