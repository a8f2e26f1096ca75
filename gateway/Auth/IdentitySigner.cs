using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Identity;

namespace Platform.Gateway.Auth;

/// <summary>
/// The gateway's signer of identity headers, on the request path of every proxied call: the same signature as
/// <see cref="GatewaySignature.Compute"/> (HMAC-SHA256 over method, path, organisation, key, scopes and timestamp, one
/// per line, base64url without padding), computed with the one-shot HMAC API over a stack buffer, and remembered per API
/// key for the last method, path and second, so a client repeating a call within a second costs no HMAC at all.
/// </summary>
public sealed class IdentitySigner(IOptions<IdentityOptions> options, TimeProvider clock)
{
    private const int StackLimit = 1024;
    private readonly byte[] key = Encoding.UTF8.GetBytes(options.Value.SigningSecret!);
    private volatile Timestamp current = new(long.MinValue, string.Empty);

    /// <summary>The timestamp header's value now: whole Unix seconds, formatted once per second.</summary>
    public string Now()
    {
        var seconds = clock.GetUtcNow().ToUnixTimeSeconds();
        var stamp = current;
        if (stamp.Seconds != seconds)
        {
            stamp = new Timestamp(seconds, seconds.ToString(CultureInfo.InvariantCulture));
            current = stamp;
        }

        return stamp.Text;
    }

    /// <summary>The signature of <paramref name="key"/>'s identity for this method, path and timestamp.</summary>
    public string Sign(VerifiedKey key, string method, string path, string timestamp)
    {
        if (key.LastSignature is { } last && ReferenceEquals(last.Timestamp, timestamp) &&
            string.Equals(last.Method, method, StringComparison.Ordinal) && string.Equals(last.Path, path, StringComparison.Ordinal))
        {
            return last.Value;
        }

        var signature = Compute(method, path, key.OrgIdText, key.KeyIdText, key.ScopeHeader, timestamp);
        key.LastSignature = new VerifiedKey.Signature(method, path, timestamp, signature);
        return signature;
    }

    /// <summary>The signature as <see cref="GatewaySignature.Compute"/> makes it, without intermediate allocations.</summary>
    public string Compute(string method, string path, string orgId, string keyId, string scopes, string timestamp)
    {
        var maxBytes = Encoding.UTF8.GetMaxByteCount(method.Length + path.Length + orgId.Length + keyId.Length + scopes.Length + timestamp.Length + 5);
        byte[]? rented = null;
        Span<byte> payload = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        // Methods are ASCII tokens; GatewaySignature upper-cases them (invariant culture, the same for ASCII).
        var length = Encoding.UTF8.GetBytes(method, payload);
        Ascii.ToUpperInPlace(payload[..length], out _);
        length += Append(payload[length..], path);
        length += Append(payload[length..], orgId);
        length += Append(payload[length..], keyId);
        length += Append(payload[length..], scopes);
        length += Append(payload[length..], timestamp);

        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, payload[..length], mac);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return Base64Url.EncodeToString(mac);
    }

    private static int Append(Span<byte> destination, string value)
    {
        destination[0] = (byte)'\n';
        return 1 + Encoding.UTF8.GetBytes(value, destination[1..]);
    }

    private sealed record Timestamp(long Seconds, string Text);
}
