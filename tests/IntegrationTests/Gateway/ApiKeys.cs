using System.Net;
using Platform.IntegrationTests.Admin;

namespace Platform.IntegrationTests.Gateway;

/// <summary>A real API key made through Admin, and requests through a gateway carrying it in the legacy headers.</summary>
public sealed record ApiKey(Guid Id, Guid OrgId, string Key, string Secret)
{
    public static async Task<ApiKey> CreateAsync(params string[] scopes)
    {
        var org = await AdminClient.CreateOrganizationAsync();
        return await CreateAsync(org, scopes);
    }

    public static async Task<ApiKey> CreateAsync(Guid org, params string[] scopes)
    {
        using var response = await AdminClient.Platform().PostAsync($"api/v1/admin/api-keys?org_id={org}", new { name = "gateway-test", scopes });
        var body = await AdminClient.OkJsonAsync(response, HttpStatusCode.Created);
        return new ApiKey((Guid)body["id"]!, org, (string)body["api_key"]!, (string)body["api_secret"]!);
    }

    public HttpRequestMessage Request(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        request.Headers.Add("api-key", Key);
        request.Headers.Add("api-secret", Secret);
        return request;
    }

    public Task<HttpResponseMessage> GetAsync(HttpClient gateway, string path) => gateway.SendAsync(Request(HttpMethod.Get, path));
}
