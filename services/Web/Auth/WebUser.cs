using System.Security.Claims;

namespace Platform.Web.Auth;

/// <summary>What the UI knows about the signed-in key: its scopes and organisation, as claims in the cookie.</summary>
public static class WebUser
{
    public const string ScopeClaim = "platform:scope";
    public const string OrgIdClaim = "platform:org_id";
    public const string OrgNameClaim = "platform:org_name";
    public const string KeyPrefixClaim = "platform:key_prefix";

    public const string Platform = "platform";
    public const string Admin = "admin";
    public const string Analyzer = "analyzer";
    public const string Chatbot = "chatbot";
    public const string Evaluator = "evaluator";
    public const string Ops = "ops";

    /// <summary>The scopes an API key may carry, in the order the UI lists them.</summary>
    public static readonly string[] AllScopes = [Analyzer, Chatbot, Evaluator, Admin, Ops, Platform];

    /// <summary>Whether the user may use <paramref name="scope"/> (platform keys also pass admin, as at the services).</summary>
    public static bool Has(this ClaimsPrincipal user, string scope) =>
        user.HasClaim(ScopeClaim, scope) || (scope == Admin && user.HasClaim(ScopeClaim, Platform));

    public static IReadOnlyList<string> Scopes(this ClaimsPrincipal user) =>
        [.. user.FindAll(ScopeClaim).Select(c => c.Value)];

    public static string? OrgName(this ClaimsPrincipal user) => user.FindFirst(OrgNameClaim)?.Value;

    public static Guid? OrgId(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(OrgIdClaim)?.Value, out var id) ? id : null;

    public static string? KeyPrefix(this ClaimsPrincipal user) => user.FindFirst(KeyPrefixClaim)?.Value;
}
