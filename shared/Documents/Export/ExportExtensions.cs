using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Platform.Documents.Export;

/// <summary>Registers document export and renders a document in a format chosen at run time.</summary>
public static class ExportExtensions
{
    /// <summary>Adds the singleton <see cref="IDocumentExporter"/> (stateless and thread-safe). Safe to call twice.</summary>
    public static IServiceCollection AddDocumentExport(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IDocumentExporter, DocumentExporter>();
        return services;
    }

    /// <summary>
    /// Renders <paramref name="document"/> as <paramref name="format"/>; serve the bytes with
    /// <see cref="ExportFormats.ContentType"/> and <see cref="ExportFormats.FileName"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined format.</exception>
    public static byte[] Export(this IDocumentExporter exporter, ExportDocument document, ExportFormat format)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        return format switch
        {
            ExportFormat.Markdown => exporter.ToMarkdown(document),
            ExportFormat.Docx => exporter.ToDocx(document),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown export format."),
        };
    }
}
