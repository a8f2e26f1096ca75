namespace Platform.ServiceDefaults.Identity;

/// <summary>Headers the gateway sets (after stripping any a client sent) and the services trust once verified.</summary>
public static class IdentityHeaders
{
    /// <summary>The caller's organisation id (uuid); empty for service-to-service calls.</summary>
    public const string OrgId = "X-Org-Id";

    /// <summary>The API key id the caller authenticated with, or <c>service:{name}</c> between services.</summary>
    public const string KeyId = "X-Key-Id";

    /// <summary>Space-separated scopes.</summary>
    public const string Scopes = "X-Scopes";

    /// <summary>Unix time in seconds when the gateway signed the request.</summary>
    public const string Timestamp = "X-Gateway-Timestamp";

    /// <summary>Base64url HMAC-SHA256 over method, path, org, key, scopes and timestamp.</summary>
    public const string Signature = "X-Gateway-Signature";

    /// <summary>Every identity header, for stripping what a client sent.</summary>
    public static readonly string[] All = [OrgId, KeyId, Scopes, Timestamp, Signature];
}
