using System.Security.Cryptography;
using System.Text;

namespace Platform.ServiceDefaults.Identity;

/// <summary>
/// How API credentials are stored: the public <c>api-key</c> and the <c>api-secret</c> only as HMAC-SHA256 with a
/// server-side pepper (<c>ApiKeys:Pepper</c>), each with its own purpose label. Admin hashes new keys with it and
/// the data migration hashes the legacy keys with it, so both verify the same way.
/// </summary>
public sealed class ApiCredentialHash
{
    private const int PrefixLength = 11;
    private readonly byte[] pepper;

    /// <summary>A hasher for <paramref name="pepper"/>.</summary>
    public ApiCredentialHash(string pepper)
    {
        ArgumentException.ThrowIfNullOrEmpty(pepper);
        this.pepper = Encoding.UTF8.GetBytes(pepper);
    }

    /// <summary>The part of a key shown in listings so a person can tell keys apart.</summary>
    public static string PrefixOf(string apiKey) => apiKey.Length <= PrefixLength ? apiKey : apiKey[..PrefixLength];

    /// <summary>The lookup hash of a public key.</summary>
    public byte[] HashKey(string apiKey) => Hash("key", apiKey);

    /// <summary>The stored hash of a secret.</summary>
    public byte[] HashSecret(string secret) => Hash("secret", secret);

    private byte[] Hash(string purpose, string value) =>
        HMACSHA256.HashData(pepper, Encoding.UTF8.GetBytes(purpose + ":" + value));
}
