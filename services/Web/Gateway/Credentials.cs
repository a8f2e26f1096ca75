using System.Security.Claims;

namespace Platform.Web.Gateway;

/// <summary>An API key and its secret, sent to the gateway in the legacy <c>api-key</c>/<c>api-secret</c> headers.</summary>
public sealed record Credentials(string Key, string Secret)
{
    public const string KeyClaim = "platform:api_key";
    public const string SecretClaim = "platform:api_secret";

    /// <summary>The signed-in person's credentials, kept only in the encrypted authentication cookie.</summary>
    public static Credentials? From(ClaimsPrincipal? user) =>
        user?.FindFirst(KeyClaim)?.Value is { Length: > 0 } key && user.FindFirst(SecretClaim)?.Value is { Length: > 0 } secret
            ? new Credentials(key, secret)
            : null;

    public override string ToString() => "Credentials { Key = ***, Secret = *** }";
}
