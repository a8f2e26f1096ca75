using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Platform.ServiceDefaults;

/// <summary>Every error any app answers is RFC 9457 problem+json naming the app and the trace.</summary>
public static partial class ProblemDetailsSetup
{
    /// <summary>Registers ProblemDetails with the service name and trace id, and the exception-to-problem mapping.</summary>
    public static IServiceCollection AddPlatformProblemDetails(this IServiceCollection services, string serviceName)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path;
            context.ProblemDetails.Extensions["service"] = serviceName;
            context.ProblemDetails.Extensions["trace_id"] =
                Activity.Current?.TraceId.ToString() ?? context.HttpContext.TraceIdentifier;
        });
        services.AddExceptionHandler<ProblemExceptionHandler>();
        return services;
    }

    /// <summary>
    /// Turns exceptions into problems: a bad request the framework detected (malformed JSON or form, body too large)
    /// keeps its 4xx status; a dependency that failed or is paused (HTTP error, Polly timeout or open circuit) is a 503
    /// with <c>Retry-After</c>; anything else is a 500 that reveals nothing about the failure.
    /// </summary>
    internal sealed partial class ProblemExceptionHandler(
        IProblemDetailsService problemDetails, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
        {
            if (exception is ProblemException problem)
            {
                context.Response.StatusCode = problem.StatusCode;
                return await problemDetails.TryWriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails = new ProblemDetails { Status = problem.StatusCode, Title = problem.Title, Detail = problem.Message },
                });
            }

            var (status, detail) = exception switch
            {
                BadHttpRequestException bad => (bad.StatusCode, BadRequestDetail(bad)),
                JsonException => (StatusCodes.Status400BadRequest, "The request body is not valid JSON."),
                InvalidDataException => (StatusCodes.Status400BadRequest, "The request body is malformed."),
                OperationCanceledException when context.RequestAborted.IsCancellationRequested =>
                    (StatusCodes.Status499ClientClosedRequest, "The client closed the request."),
                // a provider the request needs (AI model, vector store, another service) failed, timed out or is
                // paused by its circuit breaker: the client did nothing wrong and may simply try again
                _ when IsDependencyFailure(exception) =>
                    (StatusCodes.Status503ServiceUnavailable, "A service this request depends on is not answering right now; try again shortly."),
                _ => (StatusCodes.Status500InternalServerError, "An unexpected error occurred. Quote the trace id when reporting it."),
            };

            if (status >= StatusCodes.Status500InternalServerError)
            {
                LogUnhandled(logger, exception, context.Request.Method, context.Request.Path);
            }

            if (context.Response.HasStarted)
            {
                return false;
            }

            context.Response.StatusCode = status;
            if (status == StatusCodes.Status503ServiceUnavailable)
            {
                context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            return await problemDetails.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                Exception = exception,
                ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
            });
        }

        internal static bool IsDependencyFailure(Exception exception) => exception switch
        {
            Polly.CircuitBreaker.BrokenCircuitException or Polly.Timeout.TimeoutRejectedException or HttpRequestException => true,
            AggregateException { InnerExceptions: [var only] } => IsDependencyFailure(only),
            _ => false,
        };

        // long enough for a retry or a half-open circuit to have a chance, short enough not to lose the client
        internal const int RetryAfterSeconds = 5;

        private static string BadRequestDetail(BadHttpRequestException exception) => exception.StatusCode switch
        {
            StatusCodes.Status413PayloadTooLarge => "The request body is larger than this endpoint accepts.",
            StatusCodes.Status415UnsupportedMediaType => "The request's content type is not supported here.",
            _ when exception.InnerException is JsonException => "The request body is not valid JSON.",
            _ => "The request is malformed: " + exception.Message,
        };

        [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
        private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
    }
}
