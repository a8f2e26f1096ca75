using System.Globalization;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Identity;

namespace Platform.Gateway.Auth;

/// <summary>
/// The gateway's signer of identity headers, on the request path of every proxied call: <see cref="GatewaySignature"/>,
/// with the timestamp formatted once per second and the signature remembered per API key for the last method, path and
/// second, so a client repeating a call within a second costs no HMAC at all.
/// </summary>
public sealed class IdentitySigner(IOptions<IdentityOptions> options, TimeProvider clock)
{
    private readonly GatewaySignature gatewaySignature = new(options.Value.SigningSecret!);
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

    /// <summary>The signature of one request's identity (<see cref="GatewaySignature.Compute"/>).</summary>
    public string Compute(string method, string path, string orgId, string keyId, string scopes, string timestamp) =>
        gatewaySignature.Compute(method, path, orgId, keyId, scopes, timestamp);

    private sealed record Timestamp(long Seconds, string Text);
}
