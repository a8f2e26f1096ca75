namespace Platform.Admin.Model;

/// <summary>A guideline for the Evaluator's internal review: an organisation's own, or global (no organisation).</summary>
public sealed record Guideline(
    Guid Id, Guid? OrgId, string Title, string Content, string Source, string? FileName, string? FileSha256,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    /// <summary><c>global</c> (applies to every organisation, managed by platform keys) or <c>organisation</c>.</summary>
    public string Scope => GuidelineScope.Of(OrgId);
}

/// <summary>
/// A guideline as it applies to one organisation: its own ones, plus the global ones it does not override.
/// <see cref="Overrides"/> is the global guideline an own one replaces (same title), if any.
/// </summary>
public sealed record EffectiveGuideline(
    Guid Id, Guid? OrgId, string Title, string Content, string Source, string? FileName, DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt, Guid? Overrides)
{
    public string Scope => GuidelineScope.Of(OrgId);
}

public static class GuidelineScope
{
    public const string Global = "global";
    public const string Organisation = "organisation";

    public static string Of(Guid? orgId) => orgId is null ? Global : Organisation;
}

public sealed record CreateGuidelineRequest(string? Title, string? Content);

/// <summary>Fields left out keep their value.</summary>
public sealed record UpdateGuidelineRequest(string? Title, string? Content);
