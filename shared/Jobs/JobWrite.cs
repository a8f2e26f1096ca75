namespace Platform.Jobs;

/// <summary>
/// A statement of the service's own (an <c>INSERT</c>, <c>UPDATE</c> or <c>DELETE</c>, no trailing semicolon) committed
/// in the same statement as a change to a job, so that the service's record and the job's can never disagree and cost
/// one database round trip together. It runs as a data-modifying CTE beside the job's own: with an enqueue
/// (<see cref="OnEnqueue"/>) it refers to <c>job_new</c>, the job row this call inserted (none when the job id already
/// existed), with a claim (<see cref="OnClaim"/>) to <c>job_claimed</c>, and with a completion
/// (<see cref="JobContext{TMessage}.WriteOnCompletion"/>) to <c>job_finished</c>.
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

    /// <summary>
    /// A statement written with a job's claim by a worker (see <see cref="JobConsumer{TMessage}.ClaimWrite"/>): it must
    /// refer to <c>job_claimed</c>, the job row this claim took (none when the claim failed, e.g. for a redelivered
    /// message of a finished job), and return a column <c>claimed_value</c>, whose first value the consumer reads as
    /// <see cref="JobContext{TMessage}.ClaimedValue"/> (e.g. marking the job's session running and reading its document:
    /// <c>UPDATE sessions s SET ... FROM job_claimed j WHERE s.id = (j.input -&gt;&gt; 'session_id')::uuid RETURNING
    /// s.document_text AS claimed_value</c>; null when it wrote nothing).
    /// </summary>
    public static JobWrite OnClaim(string sql, object? parameters = null)
    {
        var write = Create(sql, parameters, "job_claimed", nameof(sql));
        return sql.Contains("claimed_value", StringComparison.Ordinal)
            ? write
            : throw new ArgumentException("The statement must return a column claimed_value (RETURNING ... AS claimed_value).", nameof(sql));
    }

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
    internal static void Append(System.Text.StringBuilder sql, Platform.Data.StatementParameters parameters, IReadOnlyList<JobWrite> writes)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            sql.Append(", job_write_").Append(i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(" AS (\n")
                .Append(writes[i].Sql).Append("\n)\n");
            parameters.AddObject(writes[i].Parameters);
        }
    }
}
