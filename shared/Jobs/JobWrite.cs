namespace Platform.Jobs;

/// <summary>
/// A statement of the service's own (an <c>INSERT</c>, <c>UPDATE</c> or <c>DELETE</c>, no trailing semicolon) committed
/// in the same statement as a change to a job, so that the service's record and the job's can never disagree and cost
/// one database round trip together. It runs as a data-modifying CTE beside the job's own: with an enqueue
/// (<see cref="OnEnqueue"/>) it refers to <c>job_new</c>, the job row this call inserted (none when the job id already
/// existed), and with a completion (<see cref="JobContext{TMessage}.WriteOnCompletion"/>) to <c>job_finished</c>.
/// Parameters are <see cref="Parameters"/>' properties; names starting with <c>job_</c> are reserved.
/// </summary>
public sealed class JobWrite
{
    private JobWrite(string sql, object? parameters)
    {
        Sql = sql;
        Parameters = parameters;
    }

    /// <summary>The statement.</summary>
    public string Sql { get; }

    /// <summary>Its parameters (an object whose properties are the <c>@names</c>), or null.</summary>
    public object? Parameters { get; }

    /// <summary>
    /// A statement written with a new job's insert (see <see cref="IJobStore.EnqueueAsync(Guid, string, object, object, string?, JobWrite, CancellationToken)"/>).
    /// It must refer to <c>job_new</c> (e.g. <c>INSERT INTO sessions (...) SELECT ... FROM job_new</c>), so that enqueueing
    /// the same job id again writes nothing.
    /// </summary>
    public static JobWrite OnEnqueue(string sql, object? parameters = null) => Create(sql, parameters, "job_new", nameof(sql));

    /// <summary>A statement that must refer to <paramref name="reference"/> (null: any statement).</summary>
    internal static JobWrite Create(string sql, object? parameters, string? reference, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sql, parameterName);
        if (reference is not null && !sql.Contains(reference, StringComparison.Ordinal))
        {
            throw new ArgumentException($"The statement must refer to {reference}, so that only the write of the job it goes with makes it.", parameterName);
        }

        if (sql.TrimEnd().EndsWith(';'))
        {
            throw new ArgumentException("The statement is one statement without a trailing semicolon.", parameterName);
        }

        return new JobWrite(sql, parameters);
    }

    /// <summary>Appends <paramref name="writes"/> to a <c>WITH</c> list as CTEs <c>job_write_N</c>, and their parameters.</summary>
    internal static void Append(System.Text.StringBuilder sql, Dapper.DynamicParameters parameters, IReadOnlyList<JobWrite> writes)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            sql.Append(", job_write_").Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" AS (\n")
                .Append(writes[i].Sql).Append("\n)\n");
            if (writes[i].Parameters is { } extra)
            {
                parameters.AddDynamicParams(extra);
            }
        }
    }
}
