using System.Net;
using System.Text.Json.Nodes;
using Platform.Testing;

namespace Platform.IntegrationTests.Admin;

/// <summary>
/// Calls the Admin service the way the gateway does (signed identity headers): as a platform operator, or as an
/// organisation's admin key. Each test makes its own organisations so tests run in any order and in parallel.
/// </summary>
public sealed class AdminClient(Guid? orgId, params string[] scopes)
{
    private readonly SignedClient client = new(Fleet.App("admin").Client, orgId, "test-key-" + Guid.NewGuid().ToString("N")[..8], scopes);

    public Guid? OrgId => orgId;

    public static AdminClient Platform() => new(Guid.NewGuid(), "platform", "admin");

    public static AdminClient ForOrg(Guid orgId, params string[] scopes) => new(orgId, scopes.Length == 0 ? ["admin"] : scopes);

    public static AdminClient Internal() => new(null, "internal");

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) => SendAsync(HttpMethod.Post, path, body);

    public Task<HttpResponseMessage> PutAsync(string path, object body, string? ifMatch = null) => SendAsync(HttpMethod.Put, path, body, ifMatch);

    public Task<HttpResponseMessage> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path);

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'))
        {
            Content = content ?? (body is null ? null : Json.Body(body)),
        };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return client.SendAsync(request);
    }

    /// <summary>Creates an organisation with a unique slug and answers its id.</summary>
    public static async Task<Guid> CreateOrganizationAsync(string? name = null, object? settings = null)
    {
        var slug = "org-" + Guid.NewGuid().ToString("N")[..12];
        using var response = await Platform().PostAsync("api/v1/admin/organizations", new { name = name ?? slug, slug, settings });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        return (Guid)(await Json.ReadAsync(response))["id"]!;
    }

    public static async Task<JsonNode> OkJsonAsync(HttpResponseMessage response, HttpStatusCode status = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        return JsonNode.Parse(body)!;
    }
}
