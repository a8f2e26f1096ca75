using System.Text.Json.Serialization;

namespace Platform.Gateway.Auth;

/// <summary>What Admin says about a valid key (the JSON of <c>/internal/keys/verify</c>).</summary>
public sealed record VerifiedKey(Guid KeyId, Guid OrgId, string[] Scopes, int? RateLimitPerMinute, int? OrgRequestsPerMinute)
{
    /// <summary>Scopes as the identity header carries them.</summary>
    public string ScopeHeader { get; } = string.Join(' ', Scopes);

    public string KeyIdText { get; } = KeyId.ToString();

    public string OrgIdText { get; } = OrgId.ToString();

    public bool Has(string scope) => Array.IndexOf(Scopes, scope) >= 0;

    /// <summary>The last identity signature made for this key (see <see cref="IdentitySigner.Sign"/>); not part of the JSON.</summary>
    [JsonIgnore]
    internal Signature? LastSignature { get; set; }

    internal sealed record Signature(string Method, string Path, string Timestamp, string Value);
}
