using System.ComponentModel.DataAnnotations;

namespace Platform.Web.Extensions;

public sealed class WebOptions
{
    public const string Section = "Web";

    /// <summary>The gateway: the only thing the UI talks to.</summary>
    [Required(ErrorMessage = "Set Web:GatewayAddress to the gateway's base address, e.g. http://127.0.0.1:8080/.")]
    [Url(ErrorMessage = "Web:GatewayAddress must be an absolute http(s) address.")]
    public string? GatewayAddress { get; set; }

    /// <summary>
    /// Where the Data Protection keys that encrypt the sign-in cookie are kept, so a restart does not sign everyone
    /// out. Default: <c>.local/web-keys</c> in the repository the app runs from.
    /// </summary>
    public string? KeysDirectory { get; set; }

    /// <summary>How long a sign-in lasts without use.</summary>
    [Range(1, 24 * 60)]
    public int SignInMinutes { get; set; } = 8 * 60;

    /// <summary>Largest upload accepted from the browser (the services enforce their own limits too).</summary>
    [Range(1, 200 * 1024 * 1024)]
    public long MaxUploadBytes { get; set; } = 21 * 1024 * 1024;
}
