using System.Collections.Frozen;

namespace Platform.Gateway.Rollout;

public sealed record RouteRollout(string Route, int Weight, string StickyBy, string ChangedBy, string Reason, DateTimeOffset ChangedAt);

/// <summary>
/// The weights every request reads: an immutable snapshot swapped whole when the database says something changed,
/// so the hot path takes no lock and never sees half an update.
/// </summary>
public sealed class RolloutState
{
    private volatile FrozenDictionary<string, RouteRollout> routes = FrozenDictionary<string, RouteRollout>.Empty;

    public bool Loaded { get; private set; }

    public IReadOnlyCollection<RouteRollout> All => routes.Values;

    public RouteRollout? Get(string route) => routes.GetValueOrDefault(route);

    public void Replace(IEnumerable<RouteRollout> current)
    {
        routes = current.ToFrozenDictionary(r => r.Route, StringComparer.Ordinal);
        Loaded = true;
    }

    /// <summary>A stable bucket 0..99 for a stickiness key (FNV-1a), the same on every replica and every run.</summary>
    public static int Bucket(ReadOnlySpan<char> key)
    {
        var hash = 2166136261u;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % 100);
    }

    /// <summary>True when a client in <paramref name="bucket"/> goes to the new side at <paramref name="weight"/>.</summary>
    public static bool ToNew(int bucket, int weight) => bucket < weight;
}
