namespace Platform.Contracts;

/// <summary>An API key was revoked; every gateway replica drops it from its cache at once.</summary>
public sealed record ApiKeyRevoked
{
    /// <summary>The revoked key.</summary>
    public required Guid KeyId { get; init; }

    /// <summary>The organisation the key belonged to.</summary>
    public required Guid OrganizationId { get; init; }

    /// <summary>When it was revoked (UTC).</summary>
    public required DateTimeOffset RevokedAt { get; init; }
}
