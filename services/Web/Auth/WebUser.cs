using System.Security.Claims;
using KeyScopes = Platform.ServiceDefaults.Identity.Scopes;

namespace Platform.Web.Auth;

/// <summary>What the UI knows about the signed-in key: its scopes and organisation, as claims in the cookie.</summary>
public static class WebUser
{
    public const string ScopeClaim = "platform:scope";
    public const string OrgIdClaim = "platform:org_id";
    public const string OrgNameClaim = "platform:org_name";
    public const string KeyPrefixClaim = "platform:key_prefix";

    /// <summary>The scopes an API key may carry (<see cref="KeyScopes.ForKeys"/>), in the order the UI lists them.</summary>
    public static readonly string[] AllScopes = [KeyScopes.Analyzer, KeyScopes.Chatbot, KeyScopes.Evaluator, KeyScopes.Admin, KeyScopes.Ops, KeyScopes.Platform];

    /// <summary>Whether the user may use <paramref name="scope"/> (platform keys also pass admin, as at the services).</summary>
    public static bool Has(this ClaimsPrincipal user, string scope) =>
        user.HasClaim(ScopeClaim, scope) || (scope == KeyScopes.Admin && user.HasClaim(ScopeClaim, KeyScopes.Platform));

    public static IReadOnlyList<string> Scopes(this ClaimsPrincipal user) =>
        [.. user.FindAll(ScopeClaim).Select(c => c.Value)];

    public static string? OrgName(this ClaimsPrincipal user) => user.FindFirst(OrgNameClaim)?.Value;

    public static Guid? OrgId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(OrgIdClaim)?.Value, out var id) ? id : null;

    public static string? KeyPrefix(this ClaimsPrincipal user) => user.FindFirst(KeyPrefixClaim)?.Value;
}
