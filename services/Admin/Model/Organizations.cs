namespace Platform.Admin.Model;

public sealed record OrganizationSettings
{
    /// <summary>Gateway rate limit for the organisation's keys that have none of their own.</summary>
    public int? RequestsPerMinute { get; init; }

    public long? MonthlyTokenBudget { get; init; }

    public string? DefaultLanguage { get; init; }
}

public sealed record Organization(
    Guid Id, string Name, string Slug, OrganizationSettings Settings, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record CreateOrganizationRequest(string? Name, string? Slug, OrganizationSettings? Settings);

/// <summary>Fields left out keep their value.</summary>
public sealed record UpdateOrganizationRequest(string? Name, string? Slug, OrganizationSettings? Settings);
