using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Platform.Migrator.Mapping;

/// <summary>
/// Stable ids for legacy rows: a UUIDv5 (RFC 9562, SHA-1 name-based) of the legacy table and id within the
/// mapping's namespace, so a foreign key maps to the same uuid as its parent's id and a re-run gives the same ids.
/// Legacy ids that already are uuids are kept.
/// </summary>
internal static class LegacyId
{
    public static Guid Of(Guid ns, string table, object legacyId)
    {
        switch (legacyId)
        {
            case Guid guid:
                return guid;
            case string text when Guid.TryParse(text, out var parsed):
                return parsed;
        }

        var value = Convert.ToString(legacyId, CultureInfo.InvariantCulture);
        return V5(ns, table + ":" + value);
    }

    public static Guid V5(Guid ns, string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(name.Length)];
        ns.TryWriteBytes(input, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes(name, input[16..]);
        return FromName(input[..length]);
    }

    /// <summary>The UUIDv5 of a namespace-prefixed name (the namespace's 16 bytes, then the name in UTF-8).</summary>
    internal static Guid FromName(ReadOnlySpan<byte> namespaceAndName)
    {
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(namespaceAndName, hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}

/// <summary>
/// <see cref="LegacyId.Of"/> for one legacy table, made for millions of rows: integer ids are formatted straight into
/// a buffer that already holds the namespace and <c>"table:"</c> (no strings per row), and with a cache for
/// references, where the same parent id comes back row after row (a session's messages). Not thread-safe: one per
/// column of one reader.
/// </summary>
internal sealed class LegacyIdGenerator
{
    private const int CacheLimit = 1 << 16;
    private readonly Guid ns;
    private readonly string table;
    private readonly byte[] prefix;
    private readonly Dictionary<long, Guid>? cache;

    public LegacyIdGenerator(Guid ns, string table, bool cached)
    {
        this.ns = ns;
        this.table = table;
        var name = Encoding.UTF8.GetBytes(table + ":");
        prefix = new byte[16 + name.Length];
        ns.TryWriteBytes(prefix, bigEndian: true, out _);
        name.CopyTo(prefix, 16);
        cache = cached ? new Dictionary<long, Guid>() : null;
    }

    public Guid Of(object legacyId) => legacyId switch
    {
        long n => Of(n),
        int n => Of(n),
        uint n => Of(n),
        short n => Of(n),
        ulong n when n <= long.MaxValue => Of((long)n),
        _ => LegacyId.Of(ns, table, legacyId),
    };

    public Guid Of(long legacyId)
    {
        if (cache is not null && cache.TryGetValue(legacyId, out var known))
        {
            return known;
        }

        Span<byte> input = stackalloc byte[prefix.Length + 20];
        prefix.CopyTo(input);
        legacyId.TryFormat(input[prefix.Length..], out var digits, default, CultureInfo.InvariantCulture);
        var id = LegacyId.FromName(input[..(prefix.Length + digits)]);
        if (cache is not null)
        {
            if (cache.Count >= CacheLimit)
            {
                cache.Clear();
            }

            cache[legacyId] = id;
        }

        return id;
    }
}
