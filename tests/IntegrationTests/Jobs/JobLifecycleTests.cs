using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Platform.Jobs;
using Platform.Testing;

namespace Platform.IntegrationTests.Jobs;

/// <summary>
/// The job machinery end to end on the real PostgreSQL and RabbitMQ: outbox, relay, consumer, lease, reaper, retries,
/// error queue and the completion event.
/// </summary>
[Parallelizable(ParallelScope.Self)]
public sealed class JobLifecycleTests
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Enqueue_IsRelayedAndConsumed_SucceedsWithProgressResultAndEvent()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync();

        var queued = await host.EnqueueAsync(new TestJobInput(Steps: 4, StepDelayMs: 20));
        var done = await host.WaitForStatusAsync(queued, JobStatus.Succeeded, Ceiling);

        var completed = await WaitForEventAsync(host, queued.Id);
        Assert.Multiple(() =>
        {
            Assert.That(queued.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(done.ProgressDone, Is.EqualTo(4));
            Assert.That(done.ProgressTotal, Is.EqualTo(4));
            Assert.That(done.Attempts, Is.EqualTo(1));
            Assert.That(done.Result?.GetProperty("sum").GetInt32(), Is.EqualTo(10));
            Assert.That(done.Result?.GetProperty("session_id").GetGuid(), Is.EqualTo(TestJobConsumer.SessionFor(queued.Id)));
            Assert.That(done.Error, Is.Null);
            Assert.That(done.StartedAt, Is.Not.Null);
            Assert.That(done.FinishedAt, Is.GreaterThanOrEqualTo(done.StartedAt!.Value));
            Assert.That(done.LeaseUntil, Is.Null);
            Assert.That(TestJobConsumer.ExecutionsOf(queued.Id), Is.EqualTo(1));
            Assert.That(completed.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(completed.OrgId, Is.EqualTo(queued.OrgId));
            Assert.That(completed.SessionId, Is.EqualTo(TestJobConsumer.SessionFor(queued.Id)), "the event names the session the result stored");
        });
        await Poll.UntilAsync(async () => await scope.OutboxCountAsync(queued.Id, "event", sent: true) == 1, Ceiling, () => "the event row marked sent");
        Assert.That(await scope.OutboxCountAsync(queued.Id, "command", sent: false), Is.Zero, "the command was relayed and marked sent");
    }

    [Test]
    public async Task CrashBetweenCommitAndPublish_RowStaysUnsent_ThenRelayedAndCompleted()
    {
        await using var scope = await JobsScope.CreateAsync();
        // An API process that committed and died before its relay ran: built, never started.
        Job queued;
        await using (var crashed = scope.Build())
        {
            queued = await crashed.EnqueueAsync(new TestJobInput(Steps: 2));
        }

        Assert.That(await scope.OutboxCountAsync(queued.Id, "command", sent: false), Is.EqualTo(1), "accepted: the command waits in the outbox");

        await using var restarted = await scope.StartAsync();
        var done = await restarted.WaitForStatusAsync(queued, JobStatus.Succeeded, Ceiling);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(done.Result?.GetProperty("sum").GetInt32(), Is.EqualTo(3));
            Assert.That(TestJobConsumer.ExecutionsOf(queued.Id), Is.EqualTo(1));
            Assert.That(await scope.OutboxCountAsync(queued.Id, "command", sent: true), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RedeliveredCommand_AfterSuccess_ProducesNoSecondResult()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync();
        var queued = await host.EnqueueAsync(new TestJobInput(Steps: 1));
        var done = await host.WaitForStatusAsync(queued, JobStatus.Succeeded, Ceiling);
        await WaitForEventAsync(host, queued.Id);

        // The same command twice more, as a relay that crashed after publishing (or a broker redelivery) would send it.
        var consumed = 0;
        var observer = host.Services.GetRequiredService<IBus>().ConnectConsumeMessageObserver(new CountingObserver(queued.Id, () => Interlocked.Increment(ref consumed)));
        var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{host.Queue}"));
        await endpoint.Send(new TestJob { JobId = queued.Id, OrgId = queued.OrgId });
        await endpoint.Send(new TestJob { JobId = queued.Id, OrgId = queued.OrgId });
        await Poll.UntilAsync(() => Task.FromResult(Volatile.Read(ref consumed) == 2), Ceiling, () => "both duplicates consumed");
        observer.Disconnect();

        var after = await host.Store.GetAsync(queued.OrgId, queued.Id);
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(TestJobConsumer.ExecutionsOf(queued.Id), Is.EqualTo(1), "the work ran once");
            Assert.That(after!.FinishedAt, Is.EqualTo(done.FinishedAt), "the result was written once");
            Assert.That(after.Result?.GetRawText(), Is.EqualTo(done.Result?.GetRawText()));
            Assert.That(await scope.OutboxCountAsync(queued.Id, "event"), Is.EqualTo(1), "one completion event");
            Assert.That(host.Events.Count(e => e.JobId == queued.Id), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task DuplicateCommandsAtOnce_OnlyOneDeliveryRunsTheJob()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync(("Jobs:ConsumerConcurrency", "4"));
        var queued = await host.EnqueueAsync(new TestJobInput(Steps: 5, StepDelayMs: 100));

        var endpoint = await host.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{host.Queue}"));
        await Task.WhenAll(
            endpoint.Send(new TestJob { JobId = queued.Id, OrgId = queued.OrgId }),
            endpoint.Send(new TestJob { JobId = queued.Id, OrgId = queued.OrgId }));

        var done = await host.WaitForStatusAsync(queued, JobStatus.Succeeded, Ceiling);
        await WaitForEventAsync(host, queued.Id);
        await Poll.UntilAsync(async () => await scope.OutboxCountAsync(queued.Id, "command", sent: false) == 0, Ceiling, () => "the outbox command relayed");
        await Assert.MultipleAsync(async () =>
        {
            Assert.That(TestJobConsumer.ExecutionsOf(queued.Id), Is.EqualTo(1), "three deliveries, one run");
            Assert.That(done.Attempts, Is.EqualTo(1));
            Assert.That(await scope.OutboxCountAsync(queued.Id, "event"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task WorkerDiedMidJob_LeaseExpires_ReaperResends_FinishedExactlyOnce()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var api = scope.Build();
        var queued = await api.EnqueueAsync(new TestJobInput(Steps: 3));
        // What a worker that claimed the job, reported a step and died leaves behind: a running job and a lease.
        Assert.That(await api.Store.TryClaimAsync(queued.Id, "dead-host:1/killed", TimeSpan.FromSeconds(3)), Is.True);
        await api.Store.ReportProgressAsync(queued.Id, 1, 3);

        // A live worker: the command it gets first finds the job leased and does nothing; the reaper sends it again.
        await using var worker = await scope.StartAsync(("Jobs:LeaseDuration", "00:00:03"));
        var done = await worker.WaitForStatusAsync(queued, JobStatus.Succeeded, Ceiling);
        await WaitForEventAsync(worker, queued.Id);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(done.Attempts, Is.EqualTo(2), "the dead worker's delivery and the reaper's");
            Assert.That(done.Worker, Does.Not.StartWith("dead-host"));
            Assert.That(done.Result?.GetProperty("attempt").GetInt32(), Is.EqualTo(2));
            Assert.That(TestJobConsumer.ExecutionsOf(queued.Id), Is.EqualTo(1), "finished by the live worker only");
            Assert.That(await scope.OutboxCountAsync(queued.Id, "command"), Is.EqualTo(2), "the original command and the reaper's");
            Assert.That(await scope.OutboxCountAsync(queued.Id, "event"), Is.EqualTo(1), "one completion event");
        });
    }

    [Test]
    public async Task LeaseExpiredOnEveryAttempt_ReaperFailsTheJob_WithTheReason()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var api = scope.Build();
        var queued = await api.EnqueueAsync(new TestJobInput());
        // Three deliveries, each claimed by a worker that died: no command is left on its way.
        await scope.MarkCommandsSentAsync(queued.Id);
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.That(await api.Store.TryClaimAsync(queued.Id, $"dead-host:{attempt}/x", TimeSpan.FromMilliseconds(1)), Is.True, $"claim {attempt}");
            await Task.Delay(20);
        }

        await using var host = await scope.StartAsync(("Jobs:MaxAttempts", "3"));
        var failed = await host.WaitForStatusAsync(queued, JobStatus.Failed, Ceiling);
        var completed = await WaitForEventAsync(host, queued.Id);

        Assert.Multiple(() =>
        {
            Assert.That(failed.Attempts, Is.EqualTo(3));
            Assert.That(failed.Error, Does.Contain("lease expired").And.Contain("3"));
            Assert.That(completed.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(completed.Error, Is.EqualTo(failed.Error));
            Assert.That(TestJobConsumer.ExecutionsOf(queued.Id), Is.Zero, "never run by a live worker");
        });
    }

    [Test]
    public async Task CommandLostAfterRelay_StaleQueuedJob_IsSentAgainAndCompleted()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var api = scope.Build();
        var queued = await api.EnqueueAsync(new TestJobInput(Steps: 1));
        // Relayed, then never claimed: gone to an error queue while the database was down, or lost with a broker.
        await scope.MarkCommandsSentAsync(queued.Id);

        await using var host = await scope.StartAsync(("Jobs:RequeueAfter", "00:00:01"));
        var done = await host.WaitForStatusAsync(queued, JobStatus.Succeeded, Ceiling);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(done.Attempts, Is.EqualTo(1));
            Assert.That(TestJobConsumer.ExecutionsOf(queued.Id), Is.EqualTo(1));
            Assert.That(await scope.OutboxCountAsync(queued.Id, "command"), Is.EqualTo(2), "the lost command and the one sent again");
        });
    }

    [Test]
    public async Task FailingJob_IsRetriedThenFailedWithTheReason_AndTheMessageIsInTheErrorQueue()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync(("Jobs:RetryLimit", "2"));
        var queued = await host.EnqueueAsync(new TestJobInput(FailWith: "the document is unreadable"));

        var failed = await host.WaitForStatusAsync(queued, JobStatus.Failed, Ceiling);
        var completed = await WaitForEventAsync(host, queued.Id);
        await Poll.UntilAsync(async () => await RabbitQueues.MessageCountAsync($"{host.Queue}_error") == 1, Ceiling, () => "the message in the error queue");

        Assert.Multiple(() =>
        {
            Assert.That(failed.Error, Is.EqualTo("the document is unreadable"));
            Assert.That(failed.Result, Is.Null);
            Assert.That(TestJobConsumer.ExecutionsOf(queued.Id), Is.EqualTo(3), "first try and Jobs:RetryLimit (2) retries, not the bus's 5");
            Assert.That(failed.Attempts, Is.EqualTo(1), "retries of one delivery count as one attempt");
            Assert.That(completed.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(completed.Error, Is.EqualTo("the document is unreadable"));
            Assert.That(completed.SessionId, Is.Null);
        });
    }

    [Test]
    public async Task FailingOnce_SucceedsOnRetry()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var host = await scope.StartAsync();
        var queued = await host.EnqueueAsync(new TestJobInput(Steps: 2, FailWith: "transient", FailTimes: 1));

        var done = await host.WaitForStatusAsync(queued, JobStatus.Succeeded, Ceiling);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(TestJobConsumer.ExecutionsOf(queued.Id), Is.EqualTo(2));
            Assert.That(done.Error, Is.Null);
            Assert.That(done.Result?.GetProperty("sum").GetInt32(), Is.EqualTo(3));
            Assert.That(await RabbitQueues.MessageCountAsync($"{host.Queue}_error"), Is.LessThanOrEqualTo(0), "nothing in the error queue");
        });
    }

    [Test]
    public async Task ApiAndWorkerRoles_ApiOnlyAccepts_WorkerRuns()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var api = await scope.StartAsync(("role", "api"));
        var queued = await api.EnqueueAsync(new TestJobInput(Steps: 1));
        await Poll.UntilAsync(async () => await scope.OutboxCountAsync(queued.Id, "command", sent: true) == 1, Ceiling, () => "the command relayed by the API");
        Assert.That((await api.Store.GetAsync(queued.OrgId, queued.Id))!.Status, Is.EqualTo(JobStatus.Queued), "an API-only process runs no consumer");

        await using var worker = await scope.StartAsync(("role", "worker"));
        var done = await worker.WaitForStatusAsync(queued, JobStatus.Succeeded, Ceiling);

        Assert.That(done.Result?.GetProperty("sum").GetInt32(), Is.EqualTo(1));
    }

    [Test]
    public async Task ManyJobs_TwoProcessesRelayingAndConsuming_EachJobRunsExactlyOnce()
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var first = scope.Build();
        await using var second = scope.Build();
        await Task.WhenAll(first.StartAsync(), second.StartAsync());

        var org = Guid.NewGuid();
        var jobs = new List<Job>();
        for (var i = 0; i < 60; i++)
        {
            jobs.Add(await (i % 2 == 0 ? first : second).EnqueueAsync(new TestJobInput(Steps: 1), orgId: org));
        }

        foreach (var job in jobs)
        {
            await first.WaitForStatusAsync(job, JobStatus.Succeeded, Ceiling);
        }

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(jobs.Select(j => TestJobConsumer.ExecutionsOf(j.Id)), Is.All.EqualTo(1));
            foreach (var job in jobs)
            {
                Assert.That(await scope.OutboxCountAsync(job.Id, "event"), Is.EqualTo(1));
            }
        });
    }

    private static async Task<TestJobCompleted> WaitForEventAsync(JobsHost host, Guid jobId)
    {
        await Poll.UntilAsync(() => Task.FromResult(host.Events.Any(e => e.JobId == jobId)), Ceiling, () => $"the completion event of {jobId}");
        return host.Events.First(e => e.JobId == jobId);
    }

    private sealed class CountingObserver(Guid jobId, Action consumed) : IConsumeMessageObserver<TestJob>
    {
        public Task PreConsume(ConsumeContext<TestJob> context) => Task.CompletedTask;

        public Task PostConsume(ConsumeContext<TestJob> context)
        {
            if (context.Message.JobId == jobId)
            {
                consumed();
            }

            return Task.CompletedTask;
        }

        public Task ConsumeFault(ConsumeContext<TestJob> context, Exception exception) => Task.CompletedTask;
    }
}
