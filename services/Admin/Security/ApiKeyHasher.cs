using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults.Identity;

namespace Platform.Admin.Security;

public sealed class ApiKeyOptions
{
    public const string Section = "ApiKeys";

    /// <summary>Server-side secret mixed into every hash, so a stolen table cannot be brute-forced offline.</summary>
    [Required(ErrorMessage = "Set ApiKeys:Pepper (at least 32 characters).")]
    [MinLength(32, ErrorMessage = "ApiKeys:Pepper must be at least 32 characters.")]
    public string? Pepper { get; set; }
}

/// <summary>
/// Makes and checks API credentials. The public <c>api-key</c> and the <c>api-secret</c> are both stored only as
/// HMAC-SHA256 with the pepper (the key's hash is the lookup index); secrets compare in constant time.
/// </summary>
public sealed class ApiKeyHasher(IOptions<ApiKeyOptions> options)
{
    private readonly ApiCredentialHash hash = new(options.Value.Pepper!);

    /// <summary>A new credential: <c>pk_</c> + 32 hex characters and <c>sk_</c> + 43 base64url characters.</summary>
    public static (string ApiKey, string Secret) Generate() =>
        ("pk_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
         "sk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    /// <summary>The part of a key shown in listings so a person can tell keys apart.</summary>
    public static string PrefixOf(string apiKey) => ApiCredentialHash.PrefixOf(apiKey);

    public byte[] HashKey(string apiKey) => hash.HashKey(apiKey);

    public byte[] HashSecret(string secret) => hash.HashSecret(secret);

    public bool SecretMatches(string secret, byte[] storedHash) =>
        CryptographicOperations.FixedTimeEquals(HashSecret(secret), storedHash);
}
