using System.Net;
using System.Text.Json;

namespace Platform.Testing;

/// <summary>Checks that a response is an RFC 9457 problem with the expected status.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), body);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), body);
        using var document = JsonDocument.Parse(body);
        var problem = document.RootElement.Clone();
        Assert.That(problem.GetProperty("status").GetInt32(), Is.EqualTo((int)status), body);
        Assert.That(problem.TryGetProperty("title", out _), Is.True, body);
        return problem;
    }
}
