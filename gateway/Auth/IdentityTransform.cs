using Platform.Gateway.Rollout;
using Platform.ServiceDefaults.Identity;
using Yarp.ReverseProxy.Transforms;

namespace Platform.Gateway.Auth;

/// <summary>
/// On every proxied request: drop identity headers the client may have sent and, for the new services, replace the
/// client's credentials with the verified identity signed for the path being forwarded. The legacy side keeps the
/// legacy credentials it expects.
/// </summary>
public static class IdentityTransform
{
    public static ValueTask ApplyAsync(RequestTransformContext transform, IdentitySigner signer)
    {
        var headers = transform.ProxyRequest.Headers;
        foreach (var header in IdentityHeaders.All)
        {
            headers.Remove(header);
        }

        var key = transform.HttpContext.Features.Get<VerifiedKey>();
        if (key is null || transform.HttpContext.Features.Get<ServedBy>() is { IsLegacy: true })
        {
            return ValueTask.CompletedTask;
        }

        headers.Remove(GatewayAuthMiddleware.ApiSecretHeader);
        headers.Remove(GatewayAuthMiddleware.ApiKeyHeader);
        var timestamp = signer.Now();
        var path = transform.Path.HasValue ? transform.Path.Value : "/";
        headers.TryAddWithoutValidation(IdentityHeaders.OrgId, key.OrgIdText);
        headers.TryAddWithoutValidation(IdentityHeaders.KeyId, key.KeyIdText);
        headers.TryAddWithoutValidation(IdentityHeaders.Scopes, key.ScopeHeader);
        headers.TryAddWithoutValidation(IdentityHeaders.Timestamp, timestamp);
        headers.TryAddWithoutValidation(IdentityHeaders.Signature,
            signer.Sign(key, transform.HttpContext.Request.Method, path, timestamp));
        return ValueTask.CompletedTask;
    }
}
