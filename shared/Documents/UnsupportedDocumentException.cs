using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults;

namespace Platform.Documents;

/// <summary>The content is not a kind of document that can be read (415).</summary>
public sealed class UnsupportedDocumentException : ProblemException
{
    /// <summary>The kinds accepted, as the message names them.</summary>
    public const string AcceptedTypes = "PDF, DOCX, TXT or MD";

    /// <summary>Creates the problem; <paramref name="reason"/>, if given, says what the file looked like.</summary>
    public UnsupportedDocumentException(string? reason = null)
        : base(
            StatusCodes.Status415UnsupportedMediaType,
            "Unsupported document type",
            $"{reason ?? "This type of file is not supported."} Upload a {AcceptedTypes} file.")
    {
    }
}
