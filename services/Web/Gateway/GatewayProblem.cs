using System.Net;
using System.Text.Json;

namespace Platform.Web.Gateway;

/// <summary>
/// A service's problem details (RFC 9457) as a person reads them: a title, what happened, and one line per field.
/// Never carries a stack trace or a raw body.
/// </summary>
public sealed record ProblemView(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public static ProblemView Of(string title, string? detail = null) => new(0, title, detail, new Dictionary<string, string[]>());

    /// <summary>Reads a problem+json body; falls back to a plain explanation of the status code.</summary>
    public static ProblemView From(HttpStatusCode status, string? body, TimeSpan? retryAfter)
    {
        string? title = null, detail = null;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                    detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                    if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var field in e.EnumerateObject())
                        {
                            errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                                ? [.. field.Value.EnumerateArray().Select(v => v.ToString())]
                                : [field.Value.ToString()];
                        }
                    }
                }
            }
            catch (JsonException)
            {
                // Not problem+json (a proxy's HTML page, say): explain the status instead of showing the body.
            }
        }

        var code = (int)status;
        title ??= Explain(code);
        if (code == 429 && retryAfter is { } wait)
        {
            detail = $"{detail ?? "Too many requests for this key."} Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} s.".Trim();
        }

        detail ??= code switch
        {
            404 => "It may have been deleted, or it belongs to another organisation.",
            502 or 503 or 504 => "The service behind the gateway is not reachable right now; try again shortly.",
            _ => null,
        };
        return new ProblemView(code, title, detail, errors);
    }

    private static string Explain(int status) => status switch
    {
        400 => "The request was not valid",
        401 => "Not signed in",
        403 => "Not allowed for this API key",
        404 => "Not found",
        409 => "Conflict",
        412 => "Changed by someone else meanwhile",
        413 => "The file is too large",
        415 => "Unsupported file type",
        422 => "The file could not be read",
        429 => "Too many requests",
        502 or 503 or 504 => "Service unavailable",
        _ when status >= 500 => "The service failed to answer",
        _ => $"The request failed ({status})",
    };
}

/// <summary>A non-success answer from the gateway, carried to the page that shows it.</summary>
public sealed class GatewayProblemException(ProblemView problem) : Exception(problem.Title)
{
    public ProblemView Problem { get; } = problem;

    public int Status => Problem.Status;
}
