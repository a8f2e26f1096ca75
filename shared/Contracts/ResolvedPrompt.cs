namespace Platform.Contracts;

/// <summary>Model parameters stored with a prompt version.</summary>
public sealed record PromptParameters(double? Temperature, int? MaxTokens);

/// <summary>
/// Admin's answer to <c>GET /internal/prompts/resolve?org=&amp;key=</c>: the organisation's active version of a prompt
/// key, or the global one.
/// </summary>
public sealed record ResolvedPrompt(
    Guid PromptId, string Key, Guid? OrgId, int Version, string Template, IReadOnlyList<string> Placeholders, PromptParameters Parameters);
