using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Platform.ServiceDefaults.Identity;

/// <summary>
/// The HMAC-SHA256 signature over a request's identity: method, path, organisation, key, scopes and timestamp, one
/// per line (UTF-8, the method upper-cased), base64url without padding. The gateway signs what it verified; services
/// recompute and compare in constant time. Computed over a stack (or pooled) buffer with the one-shot HMAC API: the
/// gateway signs every proxied request and each service verifies it.
/// </summary>
public sealed class GatewaySignature
{
    private const int StackLimit = 1024;
    private readonly byte[] key;

    /// <summary>Creates a signer for <paramref name="secret"/>.</summary>
    public GatewaySignature(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        key = Encoding.UTF8.GetBytes(secret);
    }

    /// <summary>The base64url signature of one request's identity.</summary>
    public string Compute(string method, string path, string orgId, string keyId, string scopes, string timestamp)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(method.Length + path.Length + orgId.Length + keyId.Length + scopes.Length + timestamp.Length + 5);
        byte[]? rented = null;
        Span<byte> payload = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        // HTTP methods are ASCII tokens: upper-casing the bytes is ToUpperInvariant for them.
        var length = Encoding.UTF8.GetBytes(method, payload);
        Ascii.ToUpperInPlace(payload[..length], out _);
        length += AppendLine(payload[length..], path);
        length += AppendLine(payload[length..], orgId);
        length += AppendLine(payload[length..], keyId);
        length += AppendLine(payload[length..], scopes);
        length += AppendLine(payload[length..], timestamp);

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, payload[..length], mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return Base64Url.EncodeToString(mac);
    }

    /// <summary>True when <paramref name="signature"/> matches, compared in constant time.</summary>
    public bool Verify(string method, string path, string orgId, string keyId, string scopes, string timestamp, string signature)
    {
        var expected = Encoding.ASCII.GetBytes(Compute(method, path, orgId, keyId, scopes, timestamp));
        var actual = Encoding.ASCII.GetBytes(signature);
        return CryptographicOperations.FixedTimeEquals(expected, actual);
    }

    /// <summary>Sets every identity header on an outgoing request, signed now.</summary>
    public void Sign(HttpRequestMessage request, string orgId, string keyId, string scopes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request.RequestUri);
        var path = request.RequestUri.IsAbsoluteUri ? request.RequestUri.AbsolutePath : request.RequestUri.OriginalString.Split('?')[0];
        var timestamp = now.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var header in IdentityHeaders.All)
        {
            request.Headers.Remove(header);
        }

        request.Headers.Add(IdentityHeaders.OrgId, orgId);
        request.Headers.Add(IdentityHeaders.KeyId, keyId);
        request.Headers.Add(IdentityHeaders.Scopes, scopes);
        request.Headers.Add(IdentityHeaders.Timestamp, timestamp);
        request.Headers.Add(IdentityHeaders.Signature, Compute(request.Method.Method, path, orgId, keyId, scopes, timestamp));
    }

    private static int AppendLine(Span<byte> destination, string value)
    {
        destination[0] = (byte)'\n';
        return 1 + Encoding.UTF8.GetBytes(value, destination[1..]);
    }
}
