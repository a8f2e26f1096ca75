using System.Buffers;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Platform.Gateway.Auth;

public enum VerifyOutcome
{
    Valid,
    Invalid,
    Unavailable,
}

/// <summary>
/// Verifies <c>api-key</c>/<c>api-secret</c> pairs with Admin and caches the answer (valid pairs up to
/// <see cref="AuthOptions.PositiveTtl"/>, refused ones up to <see cref="AuthOptions.NegativeTtl"/>). The cache is keyed by
/// a hash of the pair, never the secret itself, and a revoked key is evicted at once (<see cref="KeyCache.Evict"/>).
/// </summary>
public sealed class KeyVerifier(HttpClient admin, KeyCache keys, IOptions<AuthOptions> options, TimeProvider clock)
{
    private static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    public ValueTask<(VerifyOutcome Outcome, VerifiedKey? Key)> VerifyAsync(string apiKey, string apiSecret, CancellationToken ct) =>
        VerifyAsync(apiKey, apiSecret, CacheKey(apiKey, apiSecret), ct);

    /// <summary>As above, with the pair's <see cref="CacheKey"/> already computed.</summary>
    public async ValueTask<(VerifyOutcome Outcome, VerifiedKey? Key)> VerifyAsync(
        string apiKey, string apiSecret, KeyCache.CredentialHash cacheKey, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (keys.TryGet(cacheKey, now, out var entry))
        {
            return (entry.Key is null ? VerifyOutcome.Invalid : VerifyOutcome.Valid, entry.Key);
        }

        HttpResponseMessage response;
        try
        {
            response = await admin.PostAsJsonAsync("internal/keys/verify", new { api_key = apiKey, api_secret = apiSecret }, ct);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return (VerifyOutcome.Unavailable, null);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var key = await response.Content.ReadFromJsonAsync<VerifiedKey>(JsonOptions, ct);
                keys.Store(cacheKey, new KeyCache.Entry(key, now + options.Value.PositiveTtl), now);
                return (VerifyOutcome.Valid, key);
            }

            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest)
            {
                keys.Store(cacheKey, new KeyCache.Entry(null, now + options.Value.NegativeTtl), now);
                return (VerifyOutcome.Invalid, null);
            }

            return (VerifyOutcome.Unavailable, null);
        }
    }

    // SHA-256 of "key\nsecret" without allocating: the pair is encoded on the stack (or in a pooled buffer for odd
    // lengths), hashed, and wiped, so no copy of the secret outlives the call.
    internal static KeyCache.CredentialHash CacheKey(string apiKey, string apiSecret)
    {
        const int StackLimit = 512;
        var maxBytes = Encoding.UTF8.GetMaxByteCount(apiKey.Length + apiSecret.Length + 1);
        byte[]? rented = null;
        Span<byte> buffer = maxBytes <= StackLimit ? stackalloc byte[StackLimit] : (rented = ArrayPool<byte>.Shared.Rent(maxBytes));
        var length = Encoding.UTF8.GetBytes(apiKey, buffer);
        buffer[length++] = (byte)'\n';
        length += Encoding.UTF8.GetBytes(apiSecret, buffer[length..]);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer[..length], hash);
        CryptographicOperations.ZeroMemory(buffer[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return MemoryMarshal.Read<KeyCache.CredentialHash>(hash);
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Platform.ServiceDefaults.Extensions.ConfigureJson(json);
        return json;
    }
}
