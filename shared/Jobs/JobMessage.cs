using System.Linq.Expressions;
using System.Reflection;

namespace Platform.Jobs;

/// <summary>
/// Reads <c>JobId</c> and <c>OrgId</c> from a job command. Contracts stay property-only records (no shared interface,
/// which MassTransit would also publish to); the two properties are found once per type.
/// </summary>
internal static class JobMessage
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<object, (Guid JobId, Guid OrgId)>> Readers = new();

    public static (Guid JobId, Guid OrgId) Read(object message) =>
        Readers.GetOrAdd(message.GetType(), CreateReader)(message);

    /// <summary>Throws unless <paramref name="type"/> has readable <c>Guid JobId</c> and <c>Guid OrgId</c> properties.</summary>
    public static void EnsureShape(Type type) => _ = Readers.GetOrAdd(type, CreateReader);

    private static Func<object, (Guid, Guid)> CreateReader(Type type)
    {
        var jobId = Property(type, "JobId");
        var orgId = Property(type, "OrgId");
        var message = Expression.Parameter(typeof(object), "message");
        var typed = Expression.Convert(message, type);
        var tuple = Expression.New(
            typeof(ValueTuple<Guid, Guid>).GetConstructor([typeof(Guid), typeof(Guid)])!,
            Expression.Property(typed, jobId),
            Expression.Property(typed, orgId));
        return Expression.Lambda<Func<object, (Guid, Guid)>>(tuple, message).Compile();
    }

    private static PropertyInfo Property(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { CanRead: true } property
        && property.PropertyType == typeof(Guid)
            ? property
            : throw new InvalidOperationException($"{type.Name} is not a job message: it needs a public Guid {name} property.");
}
