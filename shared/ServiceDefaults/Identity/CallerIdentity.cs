using Microsoft.AspNetCore.Http;

namespace Platform.ServiceDefaults.Identity;

/// <summary>
/// Who is calling, as the gateway verified and signed it. Handlers take it as a parameter; every query is scoped to
/// <see cref="OrganizationId"/>.
/// </summary>
public sealed record CallerIdentity(Guid? OrganizationId, string KeyId, IReadOnlySet<string> Scopes)
{
    /// <summary>The caller's organisation; callers without one (service-to-service) have no tenant data.</summary>
    public Guid OrgId => OrganizationId ?? throw new InvalidOperationException("This caller has no organisation.");

    /// <summary>True when the caller holds <paramref name="scope"/>.</summary>
    public bool Has(string scope) => Scopes.Contains(scope);

    /// <summary>True for keys that manage every organisation.</summary>
    public bool IsPlatform => Has(Identity.Scopes.Platform);

    /// <summary>True when the caller may act on <paramref name="organizationId"/>: its own, or any for platform keys.</summary>
    public bool CanAccess(Guid organizationId) => IsPlatform || OrganizationId == organizationId;

    /// <summary>Minimal-API binding: the identity the middleware verified for this request.</summary>
    public static ValueTask<CallerIdentity?> BindAsync(HttpContext context) =>
        ValueTask.FromResult(context.Features.Get<CallerIdentity>());
}
