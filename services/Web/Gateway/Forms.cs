using System.Net.Http.Headers;

namespace Platform.Web.Gateway;

/// <summary>Helpers for passing a browser's upload on to a service as multipart form data.</summary>
public static class Forms
{
    /// <summary>The upload's bytes as a form part; the service identifies the type by content, the name is a hint.</summary>
    public static StreamContent File(Stream content, IFormFile file)
    {
        var part = new StreamContent(content);
        part.Headers.ContentType = MediaTypeHeaderValue.TryParse(file.ContentType, out var type)
            ? type
            : new MediaTypeHeaderValue("application/octet-stream");
        return part;
    }
}
