using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults;

/// <summary>
/// A failure caused by the request that should reach the client as a problem with <see cref="StatusCode"/> (4xx)
/// and a <see cref="Exception.Message"/> a person understands. Thrown from shared code that knows nothing of HTTP
/// results (document extraction, say); the shared exception handler turns it into problem+json.
/// </summary>
public class ProblemException : Exception
{
    /// <summary>Creates a problem with an HTTP status (4xx), a short title and a readable detail.</summary>
    public ProblemException(int statusCode, string title, string detail, Exception? inner = null)
        : base(detail, inner)
    {
        if (statusCode is < StatusCodes.Status400BadRequest or > 499)
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "A problem exception is a client error (4xx).");
        }

        StatusCode = statusCode;
        Title = title;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    /// <summary>A short, stable summary of the problem type.</summary>
    public string Title { get; }
}
