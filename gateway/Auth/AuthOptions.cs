using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Auth;

public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>Where Admin's <c>/internal/keys/verify</c> lives.</summary>
    [Required(ErrorMessage = "Set Auth:AdminAddress (the Admin service's base address).")]
    [Url]
    public string? AdminAddress { get; set; }

    /// <summary>How long a verified key is trusted without asking Admin again (revocation evicts at once).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan PositiveTtl { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a refused key/secret pair is refused without asking Admin again.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:05")]
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed authentications one client address may make per minute before it is throttled (429).</summary>
    [Range(1, 100_000)]
    public int FailuresPerMinutePerClient { get; set; } = 30;
}
