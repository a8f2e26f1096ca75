using System.ComponentModel.DataAnnotations;

namespace Platform.Documents.Chunking;

/// <summary>How documents are cut into chunks, from the <c>Chunking</c> configuration section.</summary>
public sealed class ChunkingOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Chunking";

    /// <summary>
    /// The most tokens a chunk may have (200 by default: small sentence-embedding models such as all-MiniLM read at
    /// most 256 word pieces, so longer chunks would be cut short when embedded).
    /// </summary>
    [Range(16, 8192)]
    public int MaxTokens { get; set; } = 200;

    /// <summary>
    /// About how many tokens at the end of a chunk start the next one too (40 by default), so a sentence near a cut
    /// is found whole in one of the two. At most half of <see cref="MaxTokens"/>.
    /// </summary>
    [Range(0, 4096)]
    public int OverlapTokens { get; set; } = 40;
}
