using System.Text.Json;
using System.Text.RegularExpressions;

namespace Platform.Jobs;

/// <summary>Declares the kinds of job a service runs: their command, completion event and queue.</summary>
public sealed partial class JobsBuilder
{
    private readonly string serviceName;
    private readonly Dictionary<string, JobKind> kinds = new(StringComparer.Ordinal);

    internal JobsBuilder(string serviceName) => this.serviceName = serviceName;

    /// <summary>
    /// Registers a kind of job. <typeparamref name="TCommand"/> (with <c>Guid JobId</c> and <c>Guid OrgId</c>) is sent
    /// through the outbox to <paramref name="queue"/> (default <c>{service}-{command-in-kebab-case}</c>, e.g.
    /// <c>analyzer-analyze-document</c>), the queue <see cref="JobConsumerDefinition{TConsumer}"/> gives its consumer.
    /// <typeparamref name="TCompleted"/> is published when a job of this kind finishes; <paramref name="completed"/>
    /// builds it, by default by property name from <see cref="JobOutcome"/> (<c>JobId</c>, <c>OrgId</c>,
    /// <c>SessionId</c>, <c>Status</c>, <c>Error</c>, <c>CompletedAt</c>).
    /// </summary>
    public JobsBuilder AddJob<TCommand, TCompleted>(string kind, Func<JobOutcome, TCompleted>? completed = null, string? queue = null)
        where TCommand : class
        where TCompleted : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        if (kind.Length > 64)
        {
            throw new ArgumentException("A job kind is at most 64 characters.", nameof(kind));
        }

        if (kinds.ContainsKey(kind) || kinds.Values.Any(k => k.CommandType == typeof(TCommand)))
        {
            throw new InvalidOperationException($"Job kind '{kind}' or command {typeof(TCommand).Name} is registered twice.");
        }

        JobMessage.EnsureShape(typeof(TCommand));
        Func<JobOutcome, object> create = completed is null ? o => MapByName<TCompleted>(o) : o => completed(o);
        // Fail at start, not inside the completing transaction, when the event cannot be built.
        _ = create(new JobOutcome(Guid.Empty, Guid.Empty, kind, JobStatus.Succeeded, null, null, DateTimeOffset.UnixEpoch));

        kinds[kind] = new JobKind(kind, typeof(TCommand), typeof(TCompleted), queue ?? $"{serviceName}-{Kebab(typeof(TCommand).Name)}", create);
        return this;
    }

    internal JobRegistry Build() => new(kinds.Values);

    internal static string Kebab(string name) => WordBoundary().Replace(name, "-").ToLowerInvariant();

    private static TCompleted MapByName<TCompleted>(JobOutcome outcome)
    {
        var fields = JsonSerializer.SerializeToUtf8Bytes(
            new { outcome.JobId, outcome.OrgId, outcome.SessionId, outcome.Status, outcome.Error, outcome.CompletedAt },
            JobRegistry.MessageJson);
        return JsonSerializer.Deserialize<TCompleted>(fields, JobRegistry.MessageJson)
               ?? throw new InvalidOperationException($"Cannot build {typeof(TCompleted).Name} from a job outcome.");
    }

    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")]
    private static partial Regex WordBoundary();
}

/// <summary>The kinds of job this service runs and the message types its outbox carries.</summary>
public sealed class JobRegistry
{
    /// <summary>How message payloads are stored in the outbox and read back by the relay.</summary>
    internal static readonly JsonSerializerOptions MessageJson = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, JobKind> byKind;
    private readonly Dictionary<Type, JobKind> byCommand;
    private readonly Dictionary<string, MessageRoute> routes = new(StringComparer.Ordinal);

    internal JobRegistry(IEnumerable<JobKind> kinds)
    {
        byKind = kinds.ToDictionary(k => k.Kind, StringComparer.Ordinal);
        byCommand = byKind.Values.ToDictionary(k => k.CommandType);
        foreach (var kind in byKind.Values)
        {
            routes[TypeName(kind.CommandType)] = new MessageRoute(kind.CommandType, kind.Queue);
            routes.TryAdd(TypeName(kind.CompletedType), new MessageRoute(kind.CompletedType, null));
        }
    }

    /// <summary>The registered kinds.</summary>
    public IReadOnlyCollection<string> Kinds => byKind.Keys;

    internal JobKind Kind(string kind) =>
        byKind.TryGetValue(kind, out var registered)
            ? registered
            : throw new InvalidOperationException($"Job kind '{kind}' is not registered: add it in AddJobs(jobs => jobs.AddJob<...>(\"{kind}\")).");

    internal JobKind ForCommand(Type commandType) =>
        byCommand.TryGetValue(commandType, out var registered)
            ? registered
            : throw new InvalidOperationException($"{commandType.Name} is not the command of a registered job kind (AddJobs).");

    internal MessageRoute? Route(string messageType) => routes.GetValueOrDefault(messageType);

    /// <summary>The outbox's name of a message type; contract namespaces never change, so it is stable.</summary>
    internal static string TypeName(Type type) => type.FullName ?? type.Name;
}

internal sealed record JobKind(string Kind, Type CommandType, Type CompletedType, string Queue, Func<JobOutcome, object> CreateCompleted);

/// <summary>How the relay delivers a message type: sent to a queue (commands) or published (events).</summary>
internal sealed record MessageRoute(Type Type, string? Queue);
