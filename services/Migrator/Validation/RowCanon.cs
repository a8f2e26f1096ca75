using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Platform.Migrator.Mapping;

namespace Platform.Migrator.Validation;

/// <summary>
/// One canonical text per value, the same whether it was mapped from the legacy row or read back from PostgreSQL
/// (jsonb compared by content: key order, spacing and number spelling do not count), and a 64-bit row hash from it.
/// </summary>
internal static class RowCanon
{
    public static string Value(object? value) => value switch
    {
        null or DBNull => "∅",
        Guid g => g.ToString("D"),
        string s => s,
        JsonText j => Json(j.Text),
        DateTime dt => (dt.ToUniversalTime().Ticks / 10).ToString(CultureInfo.InvariantCulture),
        DateTimeOffset dto => (dto.UtcTicks / 10).ToString(CultureInfo.InvariantCulture),
        bool b => b ? "t" : "f",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToHexStringLower(bytes),
        string[] items => string.Join('\u001f', items),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static ulong Hash(IReadOnlyList<string> canon)
    {
        var text = string.Join('\u001e', canon);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return BitConverter.ToUInt64(hash);
    }

    public static string Json(string text)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 256 });
            var sb = new StringBuilder(text.Length);
            Write(doc.RootElement, sb);
            return sb.ToString();
        }
        catch (JsonException)
        {
            return "invalid:" + text;
        }
    }

    private static void Write(JsonElement e, StringBuilder sb)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                // jsonb keeps the last of duplicate keys and orders keys itself: compare as a sorted map
                var props = new SortedDictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    props[p.Name] = p.Value;
                }

                sb.Append('{');
                foreach (var (name, value) in props)
                {
                    sb.Append(name.Length).Append(':').Append(name).Append('=');
                    Write(value, sb);
                    sb.Append(',');
                }

                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                foreach (var item in e.EnumerateArray())
                {
                    Write(item, sb);
                    sb.Append(',');
                }

                sb.Append(']');
                break;
            case JsonValueKind.String:
                var s = e.GetString()!;
                sb.Append('s').Append(s.Length).Append(':').Append(s);
                break;
            case JsonValueKind.Number:
                sb.Append('n').Append(decimal.TryParse(e.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? (d / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture)
                    : e.GetRawText());
                break;
            default:
                sb.Append(e.GetRawText());
                break;
        }
    }
}
