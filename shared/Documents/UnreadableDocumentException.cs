using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults;

namespace Platform.Documents;

/// <summary>
/// The document is of a supported kind but its text cannot be read: damaged, password-protected, scanned
/// without a text layer, or empty (422).
/// </summary>
public sealed class UnreadableDocumentException : ProblemException
{
    /// <summary>The message for content with no text at all.</summary>
    public const string NoTextMessage = "The document contains no text.";

    /// <summary>Creates the problem with a <paramref name="detail"/> a person understands.</summary>
    public UnreadableDocumentException(string detail, Exception? inner = null)
        : base(StatusCodes.Status422UnprocessableEntity, "Unreadable document", detail, inner)
    {
    }
}
