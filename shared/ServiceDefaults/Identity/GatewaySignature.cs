using System.Security.Cryptography;
using System.Text;

namespace Platform.ServiceDefaults.Identity;

/// <summary>
/// The HMAC-SHA256 signature over a request's identity: method, path, organisation, key, scopes and timestamp, one
/// per line. The gateway signs what it verified; services recompute and compare in constant time.
/// </summary>
public sealed class GatewaySignature
{
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
        var payload = string.Join('\n', method.ToUpperInvariant(), path, orgId, keyId, scopes, timestamp);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload));
        return Base64Url(mac);
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

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
