using System.Security.Cryptography;
using System.Text;

namespace Platform.Jobs.Webhooks;

/// <summary>
/// The <c>X-Signature</c> of a webhook call: <c>sha256=</c> and the lower-case hex HMAC-SHA256 of the exact body bytes
/// with <c>Jobs:WebhookSecret</c>. A receiver recomputes it over the raw body and compares in constant time.
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header carrying the signature.</summary>
    public const string Header = "X-Signature";

    /// <summary>The header carrying the job id.</summary>
    public const string JobIdHeader = "X-Job-Id";

    private const string Prefix = "sha256=";

    /// <summary>The header value for <paramref name="body"/>.</summary>
    public static string Compute(string secret, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));
    }

    /// <summary>True when <paramref name="signature"/> is the signature of <paramref name="body"/> (constant-time).</summary>
    public static bool Verify(string secret, ReadOnlySpan<byte> body, string? signature) =>
        signature is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Compute(secret, body)), Encoding.ASCII.GetBytes(signature));
}
