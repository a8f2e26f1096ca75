using System.Net;
using System.Net.Sockets;

namespace Platform.Jobs.Webhooks;

/// <summary>Which addresses a callback may reach (DESIGN.md, "Security rules": no server-side request forgery).</summary>
internal static class AddressPolicy
{
    /// <summary>Why <paramref name="address"/> may not be called, or null when it may.</summary>
    public static string? Refusal(IPAddress address, bool allowPrivate)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => RefusalV4(address.GetAddressBytes(), allowPrivate),
            AddressFamily.InterNetworkV6 => RefusalV6(address, allowPrivate),
            _ => "not an IP address",
        };
    }

    /// <summary>The first refusal among <paramref name="addresses"/> (all must pass, so a mixed DNS answer cannot sneak one in).</summary>
    public static string? Refusal(IReadOnlyCollection<IPAddress> addresses, bool allowPrivate)
    {
        if (addresses.Count == 0)
        {
            return "the host has no address";
        }

        foreach (var address in addresses)
        {
            if (Refusal(address, allowPrivate) is { } reason)
            {
                return $"{address} is {reason}";
            }
        }

        return null;
    }

    private static string? RefusalV4(byte[] b, bool allowPrivate)
    {
        // Never reachable, whatever the configuration.
        if (b[0] == 0)
        {
            return "an unspecified address";
        }

        if (b is [169, 254, 169, 254] or [100, 100, 100, 200] or [192, 0, 0, 192])
        {
            return "a cloud metadata address";
        }

        if (b[0] >= 224)
        {
            return b[0] < 240 ? "a multicast address" : "a reserved or broadcast address";
        }

        if (allowPrivate)
        {
            return null;
        }

        return b switch
        {
            [127, ..] => "a loopback address",
            [10, ..] => "a private address",
            [172, >= 16 and <= 31, ..] => "a private address",
            [192, 168, ..] => "a private address",
            [100, >= 64 and <= 127, ..] => "a shared (carrier-grade NAT) address",
            [169, 254, ..] => "a link-local address",
            [192, 0, 0, _] => "an IETF protocol address",
            [198, 18 or 19, ..] => "a benchmarking address",
            _ => null,
        };
    }

    private static string? RefusalV6(IPAddress address, bool allowPrivate)
    {
        var b = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6None) || address.Equals(IPAddress.IPv6Any))
        {
            return "an unspecified address";
        }

        // fd00:ec2::254, the metadata service over IPv6.
        if (b is [0xfd, 0x00, 0x0e, 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54])
        {
            return "a cloud metadata address";
        }

        if (b[0] == 0xff)
        {
            return "a multicast address";
        }

        // IPv4 embedded by NAT64 (64:ff9b::/96) or 6to4 (2002::/16) answers for the IPv4 address inside.
        if (b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..])
        {
            return RefusalV4(b[12..16], allowPrivate);
        }

        if (b is [0x20, 0x02, ..])
        {
            return RefusalV4(b[2..6], allowPrivate);
        }

        if (allowPrivate)
        {
            return null;
        }

        if (IPAddress.IsLoopback(address))
        {
            return "a loopback address";
        }

        return b switch
        {
            [0xfe, >= 0x80 and <= 0xbf, ..] => "a link-local address",
            [0xfe, >= 0xc0, ..] => "a site-local address",
            [0xfc or 0xfd, ..] => "a unique-local (private) address",
            _ => null,
        };
    }
}
