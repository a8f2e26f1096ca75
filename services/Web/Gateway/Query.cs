namespace Platform.Web.Gateway;

/// <summary>Builds a path with an escaped query string, leaving out empty values.</summary>
public static class Query
{
    public static string Of(string path, params (string Name, string? Value)[] parameters)
    {
        var parts = parameters.Where(p => !string.IsNullOrWhiteSpace(p.Value))
            .Select(p => $"{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(p.Value!.Trim())}")
            .ToArray();
        return parts.Length == 0 ? path : $"{path}?{string.Join('&', parts)}";
    }
}
