using System.Net;
using System.Net.Sockets;

namespace Platform.Jobs.Webhooks;

/// <summary>
/// Checks a client's <c>callback_url</c> when the job is submitted (answer 400 with the message): absolute http(s),
/// no credentials, and a host whose every address is public, unless private addresses are allowed
/// (<see cref="JobsOptions.AllowPrivateCallbacks"/>). The webhook sender checks the address again when it connects,
/// so a DNS answer that changes afterwards gets nowhere.
/// </summary>
public static class CallbackUrlValidator
{
    /// <summary>Longest accepted URL.</summary>
    public const int MaxLength = 2048;

    /// <summary>The problem with <paramref name="url"/> in words a client understands, or null when it is acceptable.</summary>
    public static string? Validate(string? url, bool allowPrivate) => Validate(url, allowPrivate, Dns.GetHostAddresses);

    /// <summary>As <see cref="Validate(string?, bool)"/>, resolving the host asynchronously.</summary>
    public static async Task<string?> ValidateAsync(string? url, bool allowPrivate, CancellationToken cancellationToken = default)
    {
        if (CheckSyntax(url, out var uri) is { } problem)
        {
            return problem;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(uri!.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, cancellationToken);
            }
            catch (SocketException)
            {
                return Unresolvable(uri);
            }
        }

        return Check(uri, addresses, allowPrivate);
    }

    internal static string? Validate(string? url, bool allowPrivate, Func<string, IPAddress[]> resolve)
    {
        if (CheckSyntax(url, out var uri) is { } problem)
        {
            return problem;
        }

        IPAddress[] addresses;
        if (IPAddress.TryParse(uri!.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = resolve(uri.IdnHost);
            }
            catch (SocketException)
            {
                return Unresolvable(uri);
            }
        }

        return Check(uri, addresses, allowPrivate);
    }

    /// <summary>The URL's shape alone (no DNS): absolute, http or https, a host, no user info, not too long.</summary>
    internal static string? CheckSyntax(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url))
        {
            return "callback_url is empty.";
        }

        if (url.Length > MaxLength)
        {
            return $"callback_url is longer than {MaxLength} characters.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
        {
            return "callback_url must be an absolute http or https URL.";
        }

        if (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
        {
            return $"callback_url must use http or https, not {parsed.Scheme}.";
        }

        if (!string.IsNullOrEmpty(parsed.UserInfo))
        {
            return "callback_url must not contain a user name or password.";
        }

        uri = parsed;
        return null;
    }

    private static string? Check(Uri uri, IPAddress[] addresses, bool allowPrivate) =>
        AddressPolicy.Refusal(addresses, allowPrivate) is { } reason
            ? $"callback_url host {uri.Host} is not allowed: {reason}. Callbacks go only to public addresses."
            : null;

    private static string Unresolvable(Uri uri) => $"callback_url host {uri.Host} cannot be resolved.";
}
