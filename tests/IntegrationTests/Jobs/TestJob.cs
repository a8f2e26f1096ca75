using System.Collections.Concurrent;
using Platform.Jobs;

namespace Platform.IntegrationTests.Jobs;

/// <summary>The test's job command (what AnalyzeDocument is to the Analyzer).</summary>
public sealed record TestJob
{
    public required Guid JobId { get; init; }

    public required Guid OrgId { get; init; }
}

/// <summary>The test's completion event (what AnalysisCompleted is to the Analyzer).</summary>
public sealed record TestJobCompleted
{
    public required Guid JobId { get; init; }

    public required Guid OrgId { get; init; }

    public Guid? SessionId { get; init; }

    public required string Status { get; init; }

    public string? Error { get; init; }

    public required DateTimeOffset CompletedAt { get; init; }
}

/// <summary>What a test job does: steps (reported as progress), a pause per step, or failing on purpose.</summary>
public sealed record TestJobInput(int Steps = 3, int StepDelayMs = 0, string? FailWith = null, int FailTimes = int.MaxValue);

/// <summary>The result a test job stores.</summary>
public sealed record TestJobResult(Guid SessionId, int Sum, int Attempt);

/// <summary>A job consumer as a service writes one: thin, the machinery is in JobConsumer.</summary>
public sealed class TestJobConsumer(JobServices services) : JobConsumer<TestJob>(services)
{
    /// <summary>How many times ExecuteAsync started, per job (across every host of the test run).</summary>
    public static readonly ConcurrentDictionary<Guid, int> Executions = new();

    public static int ExecutionsOf(Guid jobId) => Executions.GetValueOrDefault(jobId);

    protected override async Task<object> ExecuteAsync(JobContext<TestJob> context, CancellationToken cancellationToken)
    {
        var run = Executions.AddOrUpdate(context.JobId, 1, (_, n) => n + 1);
        var input = context.GetInput<TestJobInput>();
        if (input.FailWith is not null && run <= input.FailTimes)
        {
            throw new InvalidOperationException(input.FailWith);
        }

        var sum = 0;
        for (var step = 1; step <= input.Steps; step++)
        {
            if (input.StepDelayMs > 0)
            {
                await Task.Delay(input.StepDelayMs, cancellationToken);
            }

            sum += step;
            await context.ReportProgressAsync(step, input.Steps, cancellationToken);
        }

        return new TestJobResult(SessionFor(context.JobId), sum, context.Attempt);
    }

    /// <summary>The session id a job's result names (derived from the job id, so tests can predict it).</summary>
    public static Guid SessionFor(Guid jobId)
    {
        var bytes = jobId.ToByteArray();
        Array.Reverse(bytes);
        return new Guid(bytes);
    }
}
