namespace Platform.Contracts;

/// <summary>An organisation's guideline as Admin's <c>GET /internal/guidelines</c> answers it (the fields services use).</summary>
public sealed record OrganizationGuideline(Guid Id, string Title, string Content);
