using System.Net.Http.Json;
using System.Text.Json;
using Platform.Contracts;

namespace Platform.ServiceDefaults.Prompts;

/// <summary>Reads the guidelines that apply to an organisation from Admin (<c>/internal/guidelines</c>), signed as an internal call.</summary>
public sealed class GuidelineClient(HttpClient http)
{
    private static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    /// <summary>
    /// The guidelines that apply to the organisation: the global ones it does not override (same title) and its own, or
    /// exactly those named in <paramref name="ids"/> that are its own or global (other organisations' ids match none).
    /// </summary>
    public async Task<IReadOnlyList<OrganizationGuideline>> GetAsync(Guid orgId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var query = $"internal/guidelines?org={orgId}" + (ids.Count > 0 ? "&ids=" + string.Join(',', ids) : string.Empty);
        return await http.GetFromJsonAsync<OrganizationGuideline[]>(query, JsonOptions, ct) ?? [];
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Extensions.ConfigureJson(json);
        return json;
    }
}
