using Platform.Contracts;

namespace Platform.Admin.Model;

public sealed record Prompt(
    Guid Id, string Key, Guid? OrgId, string Description, int ActiveVersion, int LatestVersion, int Revision,
    string Template, IReadOnlyList<string> Placeholders, PromptParameters Parameters, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record PromptVersion(
    int Version, string Template, IReadOnlyList<string> Placeholders, PromptParameters Parameters, string CreatedBy, DateTimeOffset CreatedAt, bool Active);

public sealed record CreatePromptRequest(string? Key, Guid? OrgId, string? Description, string? Template, PromptParameters? Parameters);

/// <summary>A new version: the template is required; description and parameters left out keep their value.</summary>
public sealed record UpdatePromptRequest(string? Template, string? Description, PromptParameters? Parameters);
