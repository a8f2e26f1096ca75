namespace Platform.Admin.Model;

/// <summary>A key as listed: never the key or secret, only the prefix that identifies it to a person.</summary>
public sealed record ApiKey(
    Guid Id, Guid OrgId, string Name, string Prefix, string[] Scopes, int? RateLimitPerMinute,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt);

public sealed record CreateApiKeyRequest(string? Name, string[]? Scopes, int? RateLimitPerMinute);

/// <summary>Answered once, at creation: the only time the secret is ever shown.</summary>
public sealed record CreatedApiKey(
    Guid Id, Guid OrgId, string Name, string ApiKey, string ApiSecret, string Prefix, string[] Scopes, int? RateLimitPerMinute,
    DateTimeOffset CreatedAt);

public sealed record VerifyKeyRequest(string? ApiKey, string? ApiSecret);

public sealed record VerifiedKey(Guid KeyId, Guid OrgId, string[] Scopes, int? RateLimitPerMinute, int? OrgRequestsPerMinute);
