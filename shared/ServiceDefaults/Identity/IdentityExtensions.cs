using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Platform.ServiceDefaults.Identity;

/// <summary>Gateway-signed identity: registration, verification, scope checks and signing of internal calls.</summary>
public static class IdentityExtensions
{
    /// <summary>Registers the signing secret (validated at start), the signer and the internal-call handler.</summary>
    public static IHostApplicationBuilder AddGatewayIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdentityOptions>()
            .BindConfiguration(IdentityOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(sp => new GatewaySignature(sp.GetRequiredService<IOptions<IdentityOptions>>().Value.SigningSecret!));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddTransient(sp => new InternalCallSigner(
            sp.GetRequiredService<GatewaySignature>(), sp.GetRequiredService<TimeProvider>(), Extensions.ServiceName(builder)));
        return builder;
    }

    /// <summary>Requires a gateway-signed identity on <c>/api</c> and <c>/internal</c> requests (every service does).</summary>
    public static WebApplication UseGatewayIdentity(this WebApplication app)
    {
        app.UseMiddleware<GatewayIdentityMiddleware>();
        return app;
    }

    /// <summary>
    /// Lets only callers holding <paramref name="scope"/> through (<c>platform</c> keys also pass <c>admin</c>);
    /// others get 403 problem+json.
    /// </summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var caller = context.HttpContext.Features.Get<CallerIdentity>();
            if (caller is null)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, detail: "No verified caller.");
            }

            var allowed = caller.Has(scope) || (scope == Scopes.Admin && caller.IsPlatform);
            return allowed
                ? await next(context)
                : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: $"This API key lacks the '{scope}' scope.");
        });

    /// <summary>Signs this app's calls to another app's <c>/internal</c> endpoints (add it to a typed HttpClient).</summary>
    public static IHttpClientBuilder AddInternalCallSigning(this IHttpClientBuilder builder) =>
        builder.AddHttpMessageHandler<InternalCallSigner>();
}

/// <summary>Signs outgoing calls as <c>service:{name}</c> with the <c>internal</c> scope and no organisation.</summary>
public sealed class InternalCallSigner(GatewaySignature signature, TimeProvider clock, string serviceName) : DelegatingHandler
{
    /// <inheritdoc />
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        signature.Sign(request, orgId: string.Empty, keyId: $"service:{serviceName}", scopes: Scopes.Internal, clock.GetUtcNow());
        return base.SendAsync(request, cancellationToken);
    }
}
