using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;

namespace Platform.ServiceDefaults.Http;

/// <summary>
/// Per-endpoint body size limits for minimal APIs: the server-wide limit stays small (JSON bodies), and an endpoint
/// that takes uploads raises it with <see cref="AcceptsBodiesUpTo{TBuilder}"/>. Bodies over the limit are refused
/// while streaming (413), before they are buffered.
/// </summary>
public static class RequestLimits
{
    /// <summary>The server-wide default for request bodies.</summary>
    public const long DefaultMaxBodyBytes = 1024 * 1024;

    /// <summary>Lets this endpoint read bodies of up to <paramref name="bytes"/>.</summary>
    public static TBuilder AcceptsBodiesUpTo<TBuilder>(this TBuilder builder, long bytes) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new BodySizeLimit(bytes));

    internal static IApplicationBuilder UseEndpointBodySizeLimits(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>();
            var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (limit is not null && feature is { IsReadOnly: false })
            {
                feature.MaxRequestBodySize = limit.MaxRequestBodySize;
            }

            return next(context);
        });

    private sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
