using Dapper;
using Platform.Data;
using Platform.Jobs;

namespace Platform.IntegrationTests.Jobs;

/// <summary>The store's guarantees on the real PostgreSQL: claims, organisation scoping, idempotent enqueue and finish.</summary>
[Parallelizable(ParallelScope.Self)]
public sealed class JobStoreTests
{
    private JobsScope scope = null!;
    private JobsHost api = null!;

    private IJobStore Store => api.Store;

    [OneTimeSetUp]
    public async Task CreateScopeAsync()
    {
        scope = await JobsScope.CreateAsync();
        api = scope.Build();
        // A table of the service's own, for the statements written with a job's enqueue or completion.
        await using var create = scope.DataSource.CreateCommand("CREATE TABLE notes (job_id uuid NOT NULL, kind text NOT NULL, note text NOT NULL)");
        await create.ExecuteNonQueryAsync();
    }

    [OneTimeTearDown]
    public async Task DisposeScopeAsync()
    {
        await api.DisposeAsync();
        await scope.DisposeAsync();
    }

    [Test]
    public async Task Enqueue_StoresTheJobAndItsCommandTogether()
    {
        var job = await api.EnqueueAsync(new TestJobInput(Steps: 7), callbackUrl: "https://hooks.example.com/jobs");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(job.Status, Is.EqualTo(JobStatus.Queued));
            Assert.That(job.Kind, Is.EqualTo(JobsHost.Kind));
            Assert.That(job.Attempts, Is.Zero);
            Assert.That(job.Input.GetProperty("steps").GetInt32(), Is.EqualTo(7), "input stored as snake_case JSON");
            Assert.That(job.CallbackUrl, Is.EqualTo("https://hooks.example.com/jobs"));
            Assert.That(await scope.OutboxCountAsync(job.Id, "command", sent: false), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Enqueue_SameJobIdTwice_OneJobAndOneCommand()
    {
        var org = Guid.NewGuid();
        var id = Guid.CreateVersion7();
        var command = new TestJob { JobId = id, OrgId = org };

        var first = await Store.EnqueueAsync(org, JobsHost.Kind, new TestJobInput(Steps: 1), command, null);
        var again = await Store.EnqueueAsync(org, JobsHost.Kind, new TestJobInput(Steps: 9), command, null);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(again.Id, Is.EqualTo(first.Id));
            Assert.That(again.Input.GetProperty("steps").GetInt32(), Is.EqualTo(1), "the first submission stands");
            Assert.That(await scope.OutboxCountAsync(id, "command"), Is.EqualTo(1));
        });
    }

    [Test]
    public void Enqueue_CommandForAnotherOrganisation_IsRejected()
    {
        var org = Guid.NewGuid();
        var command = new TestJob { JobId = Guid.CreateVersion7(), OrgId = Guid.NewGuid() };

        Assert.ThrowsAsync<ArgumentException>(() => Store.EnqueueAsync(org, JobsHost.Kind, new TestJobInput(), command, null));
    }

    [Test]
    public void Enqueue_UnknownKind_IsRejectedNamingTheFix()
    {
        var org = Guid.NewGuid();
        var command = new TestJob { JobId = Guid.CreateVersion7(), OrgId = org };

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Store.EnqueueAsync(org, "nope", new TestJobInput(), command, null));
        Assert.That(error!.Message, Does.Contain("AddJobs"));
    }

    [TestCase("ftp://hooks.example.com/x")]
    [TestCase("not a url")]
    public void Enqueue_MalformedCallback_IsRejected(string callbackUrl)
    {
        Assert.ThrowsAsync<ArgumentException>(() => api.EnqueueAsync(new TestJobInput(), callbackUrl));
    }

    [Test]
    public async Task Enqueue_WithCallback_WithoutWebhookSecret_IsRefused()
    {
        await using var unsigned = scope.Build(("Jobs:WebhookSecret", ""));

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => unsigned.EnqueueAsync(new TestJobInput(), "https://hooks.example.com/x"));

        Assert.That(error!.Message, Does.Contain("Jobs:WebhookSecret"));
    }

    [Test]
    public async Task Get_AnotherOrganisationsJob_IsNotFound()
    {
        var job = await api.EnqueueAsync(new TestJobInput());

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Store.GetAsync(job.OrgId, job.Id), Is.Not.Null);
            Assert.That(await Store.GetAsync(Guid.NewGuid(), job.Id), Is.Null);
            Assert.That(await Store.ClaimAsync(Guid.NewGuid(), job.Id, "w/1", TimeSpan.FromMinutes(1)), Is.Null, "nor claimed through another organisation");
        });
    }

    [Test]
    public async Task Enqueue_WithAWriteAlongside_WritesBoth_AndARepeatWritesNeither()
    {
        var org = Guid.NewGuid();
        var id = Guid.CreateVersion7();
        var command = new TestJob { JobId = id, OrgId = org };
        const string note = "INSERT INTO notes (job_id, kind, note) SELECT id, 'enqueued', @note FROM job_new";

        var first = await Store.EnqueueAsync(org, JobsHost.Kind, new TestJobInput(Steps: 1), command, null, JobWrite.OnEnqueue(note, new { note = "first" }));
        var again = await Store.EnqueueAsync(org, JobsHost.Kind, new TestJobInput(Steps: 9), command, null, JobWrite.OnEnqueue(note, new { note = "again" }));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(again.Id, Is.EqualTo(first.Id));
            Assert.That(await NotesAsync(id, "enqueued"), Is.EqualTo(new[] { "first" }), "written with the job, once");
            Assert.That(await scope.OutboxCountAsync(id, "command"), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Enqueue_WriteAlongsideFails_NeitherTheJobNorItsCommandIsStored()
    {
        var org = Guid.NewGuid();
        var id = Guid.CreateVersion7();
        var failing = JobWrite.OnEnqueue("INSERT INTO notes (job_id, kind, note) SELECT id, 'enqueued', @note FROM job_new", new { note = (string?)null });

        Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            Store.EnqueueAsync(org, JobsHost.Kind, new TestJobInput(), new TestJob { JobId = id, OrgId = org }, null, failing));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Store.GetAsync(org, id), Is.Null, "no job without the service's record");
            Assert.That(await scope.OutboxCountAsync(id, "command"), Is.Zero, "and no command");
        });
    }

    [Test]
    public void WriteAlongside_MustReferToTheNewJob_AndBeOneStatement()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => JobWrite.OnEnqueue("INSERT INTO notes (job_id, kind, note) VALUES (@id, 'x', 'y')"));
            Assert.Throws<ArgumentException>(() => JobWrite.OnEnqueue("INSERT INTO notes (job_id, kind, note) SELECT id, 'x', 'y' FROM job_new;"));
        });
    }

    [Test]
    public async Task Claim_WithAWrite_WritesAndReturnsItsValue_OnlyWhenTheClaimSucceeds()
    {
        var job = await api.EnqueueAsync(new TestJobInput());
        var write = JobWrite.OnClaim(
            "INSERT INTO notes (job_id, kind, note) SELECT id, 'claimed', worker FROM job_claimed RETURNING note AS claimed_value");

        var first = await Store.ClaimAsync(job.OrgId, job.Id, "w/1", TimeSpan.FromMinutes(1), write);
        var refused = await Store.ClaimAsync(job.OrgId, job.Id, "w/2", TimeSpan.FromMinutes(1), write);
        var plain = await Store.ClaimAsync(job.OrgId, job.Id, "w/1", TimeSpan.FromMinutes(1), null);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(first?.Job.Status, Is.EqualTo(JobStatus.Running));
            Assert.That(first?.ClaimedValue, Is.EqualTo("w/1"), "what the write returned");
            Assert.That(refused, Is.Null, "leased by a live worker: not claimed");
            Assert.That(await NotesAsync(job.Id, "claimed"), Is.EqualTo(new[] { "w/1" }), "and then nothing written");
            Assert.That((plain?.Job.Id, plain?.ClaimedValue), Is.EqualTo(((Guid?)job.Id, (string?)null)), "a retry of the same delivery, without a write");
            Assert.Throws<ArgumentException>(() => JobWrite.OnClaim("INSERT INTO notes (job_id, kind, note) SELECT id, 'x', 'y' FROM job_claimed"));
            Assert.Throws<ArgumentException>(() => JobWrite.OnClaim("SELECT 'x' AS claimed_value"));
        });
    }

    [Test]
    public async Task CompleteClaimed_TwoCompletions_FirstOnlyWritesOnce_RecordedFactsEveryTime()
    {
        var job = await api.EnqueueAsync(new TestJobInput());
        var claimed = await Store.ClaimAsync(job.OrgId, job.Id, "w/1", TimeSpan.FromMinutes(1));
        var store = (JobStore)Store;
        IReadOnlyList<JobWrite> Writes(string run) =>
        [
            JobWrite.Create("INSERT INTO notes (job_id, kind, note) SELECT id, 'finished', @run FROM job_finished", new { run }, "job_finished", "sql"),
            JobWrite.Create("INSERT INTO notes (job_id, kind, note) VALUES (@jobId, 'ran', @run)", new { jobId = job.Id, run }, null, "sql"),
        ];

        var first = await store.CompleteClaimedAsync(claimed!, new { sum = 1 }, null, null, Writes("first"), CancellationToken.None);
        var second = await store.CompleteClaimedAsync(claimed!, new { sum = 2 }, null, null, Writes("second"), CancellationToken.None);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((first, second), Is.EqualTo((true, false)), "only the first completion counts");
            Assert.That(await NotesAsync(job.Id, "finished"), Is.EqualTo(new[] { "first" }));
            Assert.That(await NotesAsync(job.Id, "ran"), Is.EquivalentTo(new[] { "first", "second" }), "facts about each run are kept");
            Assert.That((await Store.GetAsync(job.OrgId, job.Id))!.Result?.GetProperty("sum").GetInt32(), Is.EqualTo(1));
        });
    }

    [Test]
    public async Task CompleteClaimed_WithAStoredReference_RowKeepsIt_EventAndWebhookGetTheWholeResult()
    {
        var job = await api.EnqueueAsync(new TestJobInput(), callbackUrl: "https://hooks.example.com/jobs");
        var claimed = await Store.ClaimAsync(job.OrgId, job.Id, "w/1", TimeSpan.FromMinutes(1));
        var session = Guid.NewGuid();

        var finished = await ((JobStore)Store).CompleteClaimedAsync(
            claimed!, new { session_id = session, sections = new[] { "a long analysis" } }, new { session_id = session }, null, [], CancellationToken.None);

        var row = await Store.GetAsync(job.OrgId, job.Id);
        await using var query = scope.DataSource.CreateCommand(
            "SELECT (SELECT payload::text FROM webhook_deliveries WHERE job_id = $1), (SELECT payload::text FROM outbox WHERE job_id = $1 AND kind = 'event')");
        query.Parameters.AddWithValue(job.Id);
        await using var reader = await query.ExecuteReaderAsync();
        Assert.That(await reader.ReadAsync(), Is.True);
        var webhook = System.Text.Json.JsonDocument.Parse(reader.GetString(0)).RootElement;
        var completed = System.Text.Json.JsonDocument.Parse(reader.GetString(1)).RootElement;

        Assert.Multiple(() =>
        {
            Assert.That(finished, Is.True);
            Assert.That(row!.Result?.GetProperty("session_id").GetGuid(), Is.EqualTo(session));
            Assert.That(row.Result?.TryGetProperty("sections", out _), Is.False, "the row keeps the reference only");
            Assert.That(webhook.GetProperty("result").GetProperty("sections")[0].GetString(), Is.EqualTo("a long analysis"), "the webhook carries it all");
            Assert.That(completed.GetProperty("sessionId").GetGuid(), Is.EqualTo(session), "the event names the session");
        });
    }

    private async Task<string[]> NotesAsync(Guid jobId, string kind)
    {
        await using var query = scope.DataSource.CreateCommand("SELECT note FROM notes WHERE job_id = $1 AND kind = $2 ORDER BY note");
        query.Parameters.AddWithValue(jobId);
        query.Parameters.AddWithValue(kind);
        var notes = new List<string>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            notes.Add(reader.GetString(0));
        }

        return [.. notes];
    }

    [Test]
    public async Task TryClaim_QueuedJob_OneWorkerGetsIt_OthersAreRefusedWhileTheLeaseLives()
    {
        var job = await api.EnqueueAsync(new TestJobInput());

        var claims = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Store.TryClaimAsync(job.Id, $"w/{i}", TimeSpan.FromMinutes(1))));
        var after = await Store.GetAsync(job.OrgId, job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(claims.Count(c => c), Is.EqualTo(1));
            Assert.That(after!.Status, Is.EqualTo(JobStatus.Running));
            Assert.That(after.Attempts, Is.EqualTo(1));
            Assert.That(after.LeaseUntil, Is.GreaterThan(DateTimeOffset.UtcNow.AddSeconds(30)));
        });
    }

    [Test]
    public async Task TryClaim_ExpiredLease_IsClaimedAgain_CountingAnAttempt()
    {
        var job = await api.EnqueueAsync(new TestJobInput());
        Assert.That(await Store.TryClaimAsync(job.Id, "dead/1", TimeSpan.FromMilliseconds(1)), Is.True);
        await Task.Delay(50);

        var reclaimed = await Store.TryClaimAsync(job.Id, "live/2", TimeSpan.FromMinutes(1));
        var after = await Store.GetAsync(job.OrgId, job.Id);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(reclaimed, Is.True);
            Assert.That(after!.Worker, Is.EqualTo("live/2"));
            Assert.That(after.Attempts, Is.EqualTo(2));
            Assert.That(await Store.RenewLeaseAsync(job.Id, "dead/1", TimeSpan.FromMinutes(1)), Is.False, "the old worker lost it");
            Assert.That(await Store.RenewLeaseAsync(job.Id, "live/2", TimeSpan.FromMinutes(1)), Is.True);
        });
    }

    [Test]
    public async Task TryClaim_SameDeliveryRetrying_ReclaimsWithoutAnotherAttempt()
    {
        var job = await api.EnqueueAsync(new TestJobInput());

        Assert.That(await Store.TryClaimAsync(job.Id, "host:1/delivery", TimeSpan.FromMinutes(1)), Is.True);
        Assert.That(await Store.TryClaimAsync(job.Id, "host:1/delivery", TimeSpan.FromMinutes(1)), Is.True, "a retry of the same delivery");

        Assert.That((await Store.GetAsync(job.OrgId, job.Id))!.Attempts, Is.EqualTo(1));
    }

    [Test]
    public async Task TryClaim_FinishedJob_IsRefused()
    {
        var succeeded = await api.EnqueueAsync(new TestJobInput());
        var failed = await api.EnqueueAsync(new TestJobInput());
        await Store.TryClaimAsync(succeeded.Id, "w/1", TimeSpan.FromMinutes(1));
        await Store.CompleteAsync(succeeded.Id, new { ok = true });
        await Store.FailAsync(failed.Id, "broken");

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Store.TryClaimAsync(succeeded.Id, "w/2", TimeSpan.FromMinutes(1)), Is.False);
            Assert.That(await Store.TryClaimAsync(failed.Id, "w/2", TimeSpan.FromMinutes(1)), Is.False);
            Assert.That(await Store.TryClaimAsync(succeeded.Id, "w/1", TimeSpan.FromMinutes(1)), Is.False, "not even by its own worker");
        });
    }

    [Test]
    public async Task Complete_Twice_OnlyTheFirstCounts_OneEventAndOneWebhook()
    {
        var job = await api.EnqueueAsync(new TestJobInput(), callbackUrl: "https://hooks.example.com/jobs");
        await Store.TryClaimAsync(job.Id, "w/1", TimeSpan.FromMinutes(1));
        await Store.ReportProgressAsync(job.Id, 1, 2);

        var first = await Store.CompleteAsync(job.Id, new { answer = 42 });
        var second = await Store.CompleteAsync(job.Id, new { answer = 43 });
        var failedLate = await Store.FailAsync(job.Id, "too late");
        var after = await Store.GetAsync(job.OrgId, job.Id);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That((first, second, failedLate), Is.EqualTo((true, false, false)));
            Assert.That(after!.Status, Is.EqualTo(JobStatus.Succeeded));
            Assert.That(after.Result?.GetProperty("answer").GetInt32(), Is.EqualTo(42));
            Assert.That(after.Error, Is.Null);
            Assert.That((after.ProgressDone, after.ProgressTotal), Is.EqualTo((2, 2)), "finished means every step done");
            Assert.That(await scope.OutboxCountAsync(job.Id, "event"), Is.EqualTo(1));
            Assert.That((await scope.WebhookAsync(job.Id))?.Attempts, Is.Zero, "one delivery queued");
        });
    }

    [Test]
    public async Task Fail_StoresTheReason_AndWritesTheEvent()
    {
        var job = await api.EnqueueAsync(new TestJobInput());

        Assert.That(await Store.FailAsync(job.Id, "the model refused"), Is.True);
        var after = await Store.GetAsync(job.OrgId, job.Id);

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(after!.Status, Is.EqualTo(JobStatus.Failed));
            Assert.That(after.Error, Is.EqualTo("the model refused"));
            Assert.That(after.FinishedAt, Is.Not.Null);
            Assert.That(await scope.OutboxCountAsync(job.Id, "event"), Is.EqualTo(1));
            Assert.That(await scope.WebhookAsync(job.Id), Is.Null, "no callback, no delivery");
        });
    }

    [Test]
    public async Task ReportProgress_OnlyWhileRunning()
    {
        var job = await api.EnqueueAsync(new TestJobInput());

        var beforeClaim = await Store.ReportProgressAsync(job.Id, 1, 3);
        await Store.TryClaimAsync(job.Id, "w/1", TimeSpan.FromMinutes(1));
        var whileRunning = await Store.ReportProgressAsync(job.Id, 2, 3);
        var after = await Store.GetAsync(job.OrgId, job.Id);

        Assert.Multiple(() =>
        {
            Assert.That(beforeClaim, Is.False);
            Assert.That(whileRunning, Is.True);
            Assert.That((after!.ProgressDone, after.ProgressTotal), Is.EqualTo((2, 3)));
            Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ReportProgressAsync(job.Id, 4, 3));
        });
    }

    [Test]
    public async Task Release_EndsTheLeaseAtOnce_SoAnotherDeliveryCanClaim()
    {
        var job = await api.EnqueueAsync(new TestJobInput());
        await Store.TryClaimAsync(job.Id, "stopping/1", TimeSpan.FromMinutes(10));

        await Assert.MultipleAsync(async () =>
        {
            Assert.That(await Store.ReleaseAsync(job.Id, "someone-else/2"), Is.False);
            Assert.That(await Store.ReleaseAsync(job.Id, "stopping/1"), Is.True);
            Assert.That(await Store.TryClaimAsync(job.Id, "other/3", TimeSpan.FromMinutes(1)), Is.True);
        });
    }

    [Test]
    public async Task StatementParameters_RoundTripThroughPostgres()
    {
        var id = Guid.NewGuid();
        var at = new DateTimeOffset(2026, 11, 26, 15, 30, 0, TimeSpan.FromHours(2));
        var parameters = new StatementParameters()
            .Add("id", id)
            .Add("missing", null, System.Data.DbType.String)
            .AddObject(new { at, note = "émoji 🎉", counts = new[] { 3, 4 }, names = new[] { "a", "b" }, ratio = 0.25 });
        await using var connection = await scope.DataSource.OpenConnectionAsync();

        var row = await connection.QuerySingleAsync<RoundTrip>(
            """
            SELECT @id AS id, @missing AS missing, @at AS at, @note AS note, @counts AS counts, @names AS names, @ratio AS ratio,
                   pg_typeof(@at)::text AS at_type, pg_typeof(@counts)::text AS counts_type
            """, parameters);

        Assert.Multiple(() =>
        {
            Assert.That(row.Id, Is.EqualTo(id));
            Assert.That(row.Missing, Is.Null);
            Assert.That(row.At, Is.EqualTo(at.UtcDateTime));
            Assert.That(row.Note, Is.EqualTo("émoji 🎉"));
            Assert.That(row.Counts, Is.EqualTo(new[] { 3, 4 }));
            Assert.That(row.Names, Is.EqualTo(new[] { "a", "b" }));
            Assert.That(row.Ratio, Is.EqualTo(0.25));
            Assert.That((row.AtType, row.CountsType), Is.EqualTo(("timestamp with time zone", "integer[]")));
        });
    }

    [Test]
    public async Task Enqueue_WriteGivingAJobParameterAnotherValue_IsRefused_AndNothingIsStored()
    {
        var org = Guid.NewGuid();
        var command = new TestJob { JobId = Guid.CreateVersion7(), OrgId = org };
        var write = JobWrite.OnEnqueue("INSERT INTO notes (job_id, kind, note) SELECT id, 'enqueued', @job_kind FROM job_new", new { job_kind = "mine" });

        var error = Assert.ThrowsAsync<ArgumentException>(() =>
            Store.EnqueueAsync(org, JobsHost.Kind, new TestJobInput(), command, null, write));

        Assert.That(error!.Message, Does.Contain("@job_kind"));
        Assert.That(await Store.GetAsync(org, command.JobId), Is.Null);
    }

    private sealed class RoundTrip
    {
        public Guid Id { get; init; }
        public string? Missing { get; init; }
        public DateTime At { get; init; }
        public string Note { get; init; } = "";
        public int[] Counts { get; init; } = [];
        public string[] Names { get; init; } = [];
        public double Ratio { get; init; }
        public string AtType { get; init; } = "";
        public string CountsType { get; init; } = "";
    }
}
