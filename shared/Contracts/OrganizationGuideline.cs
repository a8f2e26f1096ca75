namespace Platform.Contracts;

/// <summary>
/// A guideline as Admin's <c>GET /internal/guidelines</c> answers it (the fields services use): global when
/// <see cref="OrgId"/> is null, else the organisation's own, possibly overriding the global one in <see cref="Overrides"/>.
/// </summary>
public sealed record OrganizationGuideline(Guid Id, string Title, string Content, Guid? OrgId = null, Guid? Overrides = null)
{
    public bool IsGlobal => OrgId is null;
}
