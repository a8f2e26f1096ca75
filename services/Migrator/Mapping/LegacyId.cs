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
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input[..length], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
