using System.Text.Json;
using Platform.Testing;

namespace Platform.IntegrationTests.Admin;

public sealed class AdminOpenApiTests
{
    [Test]
    public async Task OpenApiDocument_ListsAll27PublicEndpoints()
    {
        using var response = await Fleet.App("admin").Client.GetAsync("openapi/v1.json");
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/api/v1/admin/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Select(op => op.Value.GetProperty("operationId").GetString()))
            .ToList();

        Assert.That(operations, Has.Count.EqualTo(27));
        Assert.That(operations, Is.Unique);
        Assert.That(operations, Does.Contain("RevokeApiKey").And.Contain("ActivatePromptVersion").And.Contain("UploadGuideline").And.Contain("ListEffectiveGuidelines"));
    }
}
