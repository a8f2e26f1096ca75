using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Platform.Gateway.Auth;

/// <summary>
/// This replica's answers from Admin, keyed by a hash of the key/secret pair (one instance per process, shared by
/// the verifier and the revocation consumer).
/// </summary>
public sealed class KeyCache
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<CredentialHash, Entry> entries = new();

    public bool TryGet(CredentialHash cacheKey, DateTimeOffset now, out Entry entry) =>
        entries.TryGetValue(cacheKey, out entry!) && entry.Expires > now;

    public void Store(CredentialHash cacheKey, Entry entry, DateTimeOffset now)
    {
        if (entries.Count >= MaxEntries)
        {
            foreach (var (k, e) in entries)
            {
                if (e.Expires <= now)
                {
                    entries.TryRemove(k, out _);
                }
            }

            if (entries.Count >= MaxEntries)
            {
                entries.Clear();
            }
        }

        entries[cacheKey] = entry;
    }

    /// <summary>Drops every cached answer for a key (on <c>ApiKeyRevoked</c>).</summary>
    public int Evict(Guid keyId)
    {
        var removed = 0;
        foreach (var (cacheKey, entry) in entries)
        {
            if (entry.Key?.KeyId == keyId && entries.TryRemove(cacheKey, out _))
            {
                removed++;
            }
        }

        return removed;
    }

    public sealed record Entry(VerifiedKey? Key, DateTimeOffset Expires);

    /// <summary>The SHA-256 of a key/secret pair as a value (no string per lookup).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly record struct CredentialHash(ulong A, ulong B, ulong C, ulong D);
}
