namespace Platform.Admin.Model;

public sealed record Guideline(
    Guid Id, Guid OrgId, string Title, string Content, string Source, string? FileName, string? FileSha256,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record CreateGuidelineRequest(string? Title, string? Content);

/// <summary>Fields left out keep their value.</summary>
public sealed record UpdateGuidelineRequest(string? Title, string? Content);
