using Dapper;
using MassTransit;
using Npgsql;
using Platform.Contracts;

namespace Platform.Gateway.Rollout;

public sealed record RolloutHistoryEntry(long Id, string Route, int? OldWeight, int NewWeight, string ChangedBy, string Reason, DateTimeOffset ChangedAt);

/// <summary>
/// Weights in the gateway schema, an audit row per change, and a PostgreSQL notification so that every replica
/// reloads within a moment (<see cref="RolloutListener"/>).
/// </summary>
public sealed class RolloutStore(NpgsqlDataSource db, RolloutState state, IPublishEndpoint bus, TimeProvider clock)
{
    public const string Channel = "rollout_changed";

    public async Task EnsureRoutesAsync(IEnumerable<string> routes, int initialWeight, CancellationToken ct)
    {
        const string sql = """
            INSERT INTO rollout_routes (route, weight, changed_by, reason)
            SELECT r, @initialWeight, 'system', 'initial' FROM unnest(@routes) AS r
            ON CONFLICT (route) DO NOTHING
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { routes = routes.ToArray(), initialWeight }, cancellationToken: ct));
    }

    public async Task LoadAsync(CancellationToken ct)
    {
        const string sql = "SELECT route, weight, sticky_by, changed_by, reason, changed_at FROM rollout_routes";
        await using var conn = await db.OpenConnectionAsync(ct);
        state.Replace(await conn.QueryAsync<RouteRollout>(new CommandDefinition(sql, cancellationToken: ct)));
    }

    /// <summary>Sets a route's weight (and stickiness), records who and why, and tells every replica.</summary>
    public async Task<RouteRollout?> SetAsync(string route, int weight, string? stickyBy, string reason, string changedBy, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var old = await conn.QuerySingleOrDefaultAsync<int?>(new CommandDefinition(
            "SELECT weight FROM rollout_routes WHERE route = @route FOR UPDATE", new { route }, tx, cancellationToken: ct));
        if (old is null)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        const string update = """
            UPDATE rollout_routes SET weight = @weight, sticky_by = COALESCE(@stickyBy, sticky_by), changed_by = @changedBy,
                reason = @reason, changed_at = @now
            WHERE route = @route
            RETURNING route, weight, sticky_by, changed_by, reason, changed_at
            """;
        var updated = await conn.QuerySingleAsync<RouteRollout>(new CommandDefinition(update,
            new { route, weight, stickyBy, changedBy, reason, now }, tx, cancellationToken: ct));
        const string audit = """
            INSERT INTO rollout_history (route, old_weight, new_weight, changed_by, reason, changed_at)
            VALUES (@route, @old, @weight, @changedBy, @reason, @now)
            """;
        await conn.ExecuteAsync(new CommandDefinition(audit, new { route, old, weight, changedBy, reason, now }, tx, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@channel, @route)", new { channel = Channel, route }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);

        await LoadAsync(ct);
        await bus.Publish(new RolloutChanged
        {
            Route = route,
            Weight = weight,
            PreviousWeight = old,
            ChangedBy = changedBy,
            Reason = reason,
            ChangedAt = now,
        }, ct);
        return updated;
    }

    public async Task<IReadOnlyList<RolloutHistoryEntry>> HistoryAsync(string route, int limit, CancellationToken ct)
    {
        const string sql = """
            SELECT id, route, old_weight, new_weight, changed_by, reason, changed_at
            FROM rollout_history WHERE route = @route ORDER BY id DESC LIMIT @limit
            """;
        await using var conn = await db.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<RolloutHistoryEntry>(new CommandDefinition(sql, new { route, limit }, cancellationToken: ct))).AsList();
    }
}
