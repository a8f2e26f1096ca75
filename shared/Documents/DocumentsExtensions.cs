using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Platform.Documents;

/// <summary>Registers document extraction and adapts it to uploaded form files.</summary>
public static class DocumentsExtensions
{
    /// <summary>
    /// Adds <see cref="DocumentOptions"/> (section <c>Documents</c>, validated at start) and the singleton
    /// <see cref="IDocumentExtractor"/>.
    /// </summary>
    public static IHostApplicationBuilder AddDocuments(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<DocumentOptions>()
            .BindConfiguration(DocumentOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.TryAddSingleton<IDocumentExtractor, DocumentExtractor>();
        return builder;
    }

    /// <summary>
    /// Extracts an uploaded form file, read from <see cref="IFormFile.OpenReadStream"/> under the size limit and
    /// named by <see cref="IFormFile.FileName"/>. Its Content-Type is ignored: the content decides.
    /// </summary>
    /// <exception cref="UnreadableDocumentException">The file is empty (422), or as for <see cref="IDocumentExtractor.ExtractAsync"/>.</exception>
    public static async Task<ExtractedDocument> ExtractAsync(this IDocumentExtractor extractor, IFormFile file, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length == 0)
        {
            throw new UnreadableDocumentException($"The uploaded file is empty. {UnreadableDocumentException.NoTextMessage}");
        }

        await using var stream = file.OpenReadStream();
        return await extractor.ExtractAsync(stream, file.FileName, ct);
    }
}
