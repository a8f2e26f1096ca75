using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Admin;

/// <summary>
/// Admin pages work on the signed-in key's organisation; platform keys may pick another with <c>?org=</c>, passed to
/// Admin as <c>org_id</c>.
/// </summary>
public abstract class AdminPageModel : GatewayPageModel
{
    [BindProperty(SupportsGet = true)]
    public Guid? Org { get; set; }

    /// <summary>The Admin path with <c>org_id</c> when an organisation was picked.</summary>
    protected string AdminPath(string path, params (string Name, string? Value)[] query) =>
        Query.Of("api/v1/admin/" + path, [("org_id", Org?.ToString()), .. query]);
}
