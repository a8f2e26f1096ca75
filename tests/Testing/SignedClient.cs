using Platform.ServiceDefaults.Identity;

namespace Platform.Testing;

/// <summary>Calls a service directly with identity headers signed as the gateway would sign them.</summary>
public sealed class SignedClient(HttpClient inner, Guid? orgId, string keyId, params string[] scopes)
{
    private static readonly GatewaySignature Signature = new(TestEnvironment.Secret("Identity__SigningSecret"));

    public Guid? OrgId { get; } = orgId;

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, DateTimeOffset? signedAt = null)
    {
        request.RequestUri = new Uri(inner.BaseAddress!, request.RequestUri!);
        Signature.Sign(request, OrgId?.ToString() ?? string.Empty, keyId, string.Join(' ', scopes), signedAt ?? DateTimeOffset.UtcNow);
        return inner.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(new HttpRequestMessage(HttpMethod.Get, path));
}
