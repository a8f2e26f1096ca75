namespace Platform.Gateway.Rollout;

/// <summary>
/// The side a request was sent to, as a request feature: one of two shared instances, so marking a request costs no
/// allocation (HttpContext.Items would allocate its dictionary on every request).
/// </summary>
public sealed class ServedBy
{
    public static readonly ServedBy NewSide = new(TrafficSplitter.New);
    public static readonly ServedBy LegacySide = new(TrafficSplitter.Legacy);

    private ServedBy(string name) => Name = name;

    public string Name { get; }

    public bool IsLegacy => ReferenceEquals(this, LegacySide);
}
