using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Platform.Web.Gateway;

/// <summary>A file answered by a service (an export).</summary>
public sealed record DownloadedFile(byte[] Content, string ContentType, string FileName);

/// <summary>
/// The UI's only way out: calls to the gateway carrying the signed-in person's API key and secret. Non-success
/// answers become <see cref="GatewayProblemException"/> with the service's problem details.
/// </summary>
public sealed class GatewayClient(HttpClient http, IHttpContextAccessor accessor)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
    };

    public Uri BaseAddress => http.BaseAddress!;

    public async Task<T> GetAsync<T>(string path, CancellationToken ct, Credentials? credentials = null)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct, credentials);
        return await ReadAsync<T>(response, ct);
    }

    /// <summary>GET with the answer's ETag (for a later If-Match).</summary>
    public async Task<(T Value, string? ETag)> GetWithETagAsync<T>(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        var value = await ReadAsync<T>(response, ct);
        return (value, response.Headers.ETag?.ToString());
    }

    public async Task<T> PostJsonAsync<T>(string path, object? body, CancellationToken ct, string? ifMatch = null)
    {
        using var response = await SendAsync(JsonRequest(HttpMethod.Post, path, body, ifMatch), ct);
        return await ReadAsync<T>(response, ct);
    }

    public async Task PostJsonAsync(string path, object? body, CancellationToken ct)
    {
        using var response = await SendAsync(JsonRequest(HttpMethod.Post, path, body, null), ct);
        await EnsureSuccessAsync(response, ct);
    }

    public async Task<T> PutJsonAsync<T>(string path, object body, CancellationToken ct, string? ifMatch = null)
    {
        using var response = await SendAsync(JsonRequest(HttpMethod.Put, path, body, ifMatch), ct);
        return await ReadAsync<T>(response, ct);
    }

    public async Task<T> PostFormAsync<T>(string path, HttpContent form, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = form }, ct);
        return await ReadAsync<T>(response, ct);
    }

    public async Task DeleteAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), ct);
        await EnsureSuccessAsync(response, ct);
    }

    public async Task<DownloadedFile> DownloadAsync(string path, string fallbackName, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct);
        await EnsureSuccessAsync(response, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        var type = response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream";
        var name = response.Content.Headers.ContentDisposition?.FileNameStar
            ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"')
            ?? fallbackName;
        return new DownloadedFile(bytes, type, name);
    }

    /// <summary>Sends as the signed-in person (or as <paramref name="credentials"/>); the caller owns the response.</summary>
    public Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken ct, Credentials? credentials = null,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        var who = credentials ?? Credentials.From(accessor.HttpContext?.User);
        if (who is not null)
        {
            request.Headers.Add("api-key", who.Key);
            request.Headers.Add("api-secret", who.Secret);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        return http.SendAsync(request, completion, ct);
    }

    /// <summary>Answers without credentials (the gateway's health endpoints).</summary>
    public async Task<(HttpStatusCode Status, T? Value)> GetAnonymousAsync<T>(string path, CancellationToken ct)
    {
        using var response = await http.GetAsync(path, ct);
        try
        {
            return (response.StatusCode, await response.Content.ReadFromJsonAsync<T>(Json, ct));
        }
        catch (JsonException)
        {
            return (response.StatusCode, default);
        }
    }

    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var body = await response.Content.ReadAsStringAsync(ct);
        throw new GatewayProblemException(ProblemView.From(response.StatusCode, body, response.Headers.RetryAfter?.Delta));
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        await EnsureSuccessAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct)
            ?? throw new GatewayProblemException(ProblemView.Of("The service answered nothing"));
    }

    private static HttpRequestMessage JsonRequest(HttpMethod method, string path, object? body, string? ifMatch)
    {
        var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body, options: Json) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return request;
    }
}
