using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Connections.Features;

namespace Platform.Gateway.Auth;

/// <summary>
/// What the gateway worked out once per HTTP/1.x connection: the client's address as text, and the hash of the last
/// credentials the connection sent. A client keeping its connection alive sends the same pair on every request, and
/// hashing it again each time (SHA-256 through OpenSSL) was a measurable share of the gateway's CPU per request. The
/// hash is only the cache key: the cached answer is still looked up, expires and is evicted on revocation as before.
/// Requests on one HTTP/1.x connection never overlap, so the memo needs no lock; HTTP/2 and HTTP/3 get none.
/// </summary>
internal sealed class ConnectionMemo
{
    private static readonly object ItemKey = new();

    private string? apiKey;
    private string? apiSecret;
    private KeyCache.CredentialHash hash;

    private ConnectionMemo(string client) => Client = client;

    public string Client { get; }

    /// <summary>The connection's memo, or null when there is none to keep (not HTTP/1.x, or no connection items).</summary>
    public static ConnectionMemo? For(HttpContext context)
    {
        if (!HttpProtocol.IsHttp11(context.Request.Protocol) && !HttpProtocol.IsHttp10(context.Request.Protocol))
        {
            return null;
        }

        var items = context.Features.Get<IConnectionItemsFeature>()?.Items;
        if (items is null)
        {
            return null;
        }

        if (items.TryGetValue(ItemKey, out var found) && found is ConnectionMemo memo)
        {
            return memo;
        }

        memo = new ConnectionMemo(ClientOf(context));
        items[ItemKey] = memo;
        return memo;
    }

    public static string ClientOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>The pair's cache key: remembered when the connection sent the same pair last time, else computed.</summary>
    public KeyCache.CredentialHash CacheKey(string key, string secret)
    {
        if (apiKey is not null && apiSecret is not null && key == apiKey && SameSecret(secret, apiSecret))
        {
            return hash;
        }

        hash = KeyVerifier.CacheKey(key, secret);
        apiKey = key;
        apiSecret = secret;
        return hash;
    }

    private static bool SameSecret(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(a.AsSpan()), MemoryMarshal.AsBytes(b.AsSpan()));
}
