using System.Globalization;
using Microsoft.AspNetCore.Http;
using Platform.ServiceDefaults;

namespace Platform.Documents;

/// <summary>The document is larger than <see cref="DocumentOptions.MaxBytes"/> (413).</summary>
public sealed class DocumentTooLargeException(long maxBytes) : ProblemException(
    StatusCodes.Status413PayloadTooLarge,
    "Document too large",
    $"The document is larger than the {FormatMegabytes(maxBytes)} MB limit. Upload a smaller file or split it.")
{
    /// <summary>The limit that was exceeded, in bytes.</summary>
    public long MaxBytes { get; } = maxBytes;

    private static string FormatMegabytes(long bytes) =>
        (bytes / (1024d * 1024d)).ToString("0.##", CultureInfo.InvariantCulture);
}
