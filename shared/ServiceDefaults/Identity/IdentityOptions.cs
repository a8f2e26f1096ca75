using System.ComponentModel.DataAnnotations;

namespace Platform.ServiceDefaults.Identity;

/// <summary>The secret shared by the gateway and the services to sign and check identity headers.</summary>
public sealed class IdentityOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Identity";

    /// <summary>HMAC-SHA256 key; at least 32 characters. From configuration or environment, never the repository.</summary>
    [Required(ErrorMessage = "Set Identity:SigningSecret (at least 32 characters), shared by the gateway and every service.")]
    [MinLength(32, ErrorMessage = "Identity:SigningSecret must be at least 32 characters.")]
    public string? SigningSecret { get; set; }

    /// <summary>How old (or how far in the future) a signed request may be.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromSeconds(60);
}
