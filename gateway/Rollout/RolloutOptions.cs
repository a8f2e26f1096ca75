using System.ComponentModel.DataAnnotations;

namespace Platform.Gateway.Rollout;

public sealed class RolloutOptions
{
    public const string Section = "Rollout";

    public static readonly string[] StickyByValues = ["api-key", "user-id", "session"];

    /// <summary>Route groups that have a new and a legacy side (each a YARP route to a cluster of the same name).</summary>
    [MinLength(1)]
    public string[] Routes { get; set; } = ["admin", "analyzer", "chatbot", "evaluator"];

    /// <summary>
    /// The weight a route starts with the first time the gateway sees it: 0 sends everyone to the legacy system, the
    /// safe start of a cutover. Routes without a legacy cluster send everything to the new side whatever the weight.
    /// </summary>
    [Range(0, 100)]
    public int InitialWeight { get; set; }

    /// <summary>Safety net: reload the weights this often even if no notification arrived.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(30);
}
