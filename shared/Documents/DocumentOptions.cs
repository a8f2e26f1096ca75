using System.ComponentModel.DataAnnotations;

namespace Platform.Documents;

/// <summary>Limits for documents clients send, from the <c>Documents</c> configuration section.</summary>
public sealed class DocumentOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Documents";

    /// <summary>The largest upper limit allowed: a document is held in memory while it is read.</summary>
    public const int MaxBytesCeiling = 512 * 1024 * 1024;

    /// <summary>The largest document accepted, in bytes (20 MB by default). Larger ones are refused with 413.</summary>
    [Range(1, MaxBytesCeiling, ErrorMessage = "Documents:MaxBytes must be between 1 and 536870912 (512 MB).")]
    public int MaxBytes { get; set; } = 20 * 1024 * 1024;
}
