namespace Platform.Admin.Model;

public static class UserRoles
{
    public static readonly string[] All = ["member", "admin", "ops"];
}

public sealed record User(
    Guid Id, Guid OrgId, string ExternalId, string Email, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record CreateUserRequest(string? ExternalId, string? Email, string? Name, string? Role);

/// <summary>Fields left out keep their value.</summary>
public sealed record UpdateUserRequest(string? ExternalId, string? Email, string? Name, string? Role);
