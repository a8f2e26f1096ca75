using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using Npgsql;
using Platform.Benchmarks.Jobs;

// `make bench-jobs` (deploy/bench/jobs.sh starts the fleet and the extra workers, then runs this).
// Submits N analysis jobs through the gateway with bounded concurrency, then reads what became of them from the
// Analyzer's own tables (analyzer.jobs, analyzer.outbox) and prints throughput, latency and the loss/duplication counts
// against issue 5's targets. A missed target is reported; exit code 1 means the measurement is not valid (a
// submission was not answered 202, or the database could not be read).
//
// Environment: GATEWAY_URL (http://127.0.0.1:8080), DEMO_API_KEY, DEMO_API_SECRET, N (2000), CONCURRENCY (32), WARMUP (0:
// jobs submitted and finished first, unmeasured), PHASE_FILE (written when the measured run starts, and the client's
// CPU seconds over it appended at the end),
// CEILING (seconds after the last submission to wait for the jobs to finish, 600), PROMPTS (p1,p2,p3,p4,p5),
// PG_CONNECTION (Host=127.0.0.1;Port=55432;Database=platform;Username=analyzer; the password from PGPASSFILE),
// BENCH_DESCRIPTION (one line on how the fleet runs, printed with the table), KEEP_JOBS (1: leave the run's jobs and
// sessions in the database; by default they are deleted at the end).
var culture = CultureInfo.InvariantCulture;
string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : fallback;
int EnvInt(string name, int fallback)
{
    var text = Env(name, fallback.ToString(culture));
    if (!int.TryParse(text, NumberStyles.None, culture, out var value) || value <= 0)
    {
        throw new ArgumentException($"{name} must be a positive number, got '{text}'");
    }
    return value;
}

var gateway = new Uri(Env("GATEWAY_URL", "http://127.0.0.1:8080").TrimEnd('/') + "/");
var apiKey = Env("DEMO_API_KEY", "");
var apiSecret = Env("DEMO_API_SECRET", "");
if (apiKey.Length == 0 || apiSecret.Length == 0)
{
    Console.Error.WriteLine("[bench] ERROR: DEMO_API_KEY and DEMO_API_SECRET must be set (from .local/demo-key.env)");
    return 2;
}
int count, concurrency, ceilingSeconds;
try
{
    count = EnvInt("N", 2000);
    concurrency = EnvInt("CONCURRENCY", 32);
    ceilingSeconds = EnvInt("CEILING", 600);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"[bench] ERROR: {ex.Message}");
    return 2;
}
var prompts = Env("PROMPTS", "p1,p2,p3,p4,p5");
var warmup = int.TryParse(Env("WARMUP", "0"), NumberStyles.None, culture, out var w) ? w : throw new ArgumentException("WARMUP must be a number");
var promptCount = prompts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length;
var pgConnection = Env("PG_CONNECTION", "Host=127.0.0.1;Port=55432;Database=platform;Username=analyzer");
var description = Env("BENCH_DESCRIPTION", "");

using var stop = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });

void Log(string message) => Console.Error.WriteLine($"[bench] {message}");

// ---------------------------------------------------------------------------------------------------------------
// submit
using var http = new HttpClient(new SocketsHttpHandler
{
    MaxConnectionsPerServer = concurrency,
    PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    AutomaticDecompression = DecompressionMethods.None,
})
{
    BaseAddress = gateway,
    Timeout = TimeSpan.FromSeconds(60),
};
http.DefaultRequestHeaders.Add("api-key", apiKey);
http.DefaultRequestHeaders.Add("api-secret", apiSecret);

// Every job gets a document of its own, as every uploaded proposal is: the offline engine caches the analysis of the
// last few documents (P1..P5 of one job read the same one), and a handful of variants shared by all the jobs would
// be analysed once per process instead of once per job. The warm-up's documents are others again.
var sample = ProposalText.Create(0);
Log($"documents: about {sample.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length} words, {sample.Length} characters each, one per job");

var clock = Stopwatch.StartNew();
var origin = DateTimeOffset.UtcNow;
DateTimeOffset Now() => origin + clock.Elapsed;

var errors = new List<string>();
var errorCount = 0;
var maxErrors = Math.Max(10, count / 20);

void RecordError(string message)
{
    lock (errors)
    {
        errorCount++;
        if (errors.Count < 5)
        {
            errors.Add(message);
        }
    }
}

static string Truncate(string text, int max) => text.Length <= max ? text : text[..max] + "...";

// The request bodies of `total` jobs, encoded before they are sent: building and encoding a document is the client's
// work, not the fleet's, and done while measuring it would take the CPU the fleet is measured on.
async Task<byte[][]> BodiesAsync(int total, int firstDocument)
{
    var bodies = new byte[total][];
    for (var i = 0; i < total; i++)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("user_id", $"bench-user-{i % 50:D2}"),
            new("text_input", ProposalText.Create(firstDocument + i)),
            new("prompts", prompts),
        ]);
        bodies[i] = await form.ReadAsByteArrayAsync(stop.Token);
    }
    return bodies;
}

// Submits the jobs of `bodies`, `concurrency` at a time (stopping after too many errors); the accepted ones by index.
async Task<Submission?[]> SubmitAllAsync(byte[][] bodies, Action<int>? onProgress = null)
{
    var total = bodies.Length;
    var submitted = new Submission?[total];
    var next = -1;
    async Task LoopAsync()
    {
        while (!stop.IsCancellationRequested && Volatile.Read(ref errorCount) <= maxErrors)
        {
            var i = Interlocked.Increment(ref next);
            if (i >= total)
            {
                return;
            }
            onProgress?.Invoke(i);
            using var form = new ByteArrayContent(bodies[i]);
            form.Headers.ContentType = FormContentType;
            var sent = Now();
            var started = clock.Elapsed;
            try
            {
                using var response = await http.PostAsync("api/v1/analyzer/jobs", form, stop.Token);
                var latency = clock.Elapsed - started;
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    var body = await response.Content.ReadAsStringAsync(stop.Token);
                    RecordError($"job {i}: HTTP {(int)response.StatusCode}: {Truncate(body, 300)}");
                    continue;
                }
                var accepted = await response.Content.ReadFromJsonAsync<JobAccepted>(stop.Token);
                if (accepted is null || accepted.JobId == Guid.Empty)
                {
                    RecordError($"job {i}: 202 without a job_id");
                    continue;
                }
                submitted[i] = new Submission(accepted.JobId, accepted.SessionId, sent, latency);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !stop.IsCancellationRequested)
            {
                RecordError($"job {i}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(LoopAsync)));
    return submitted;
}

// Warm-up (WARMUP jobs, unmeasured): the fleet's and this client's first seconds go to the JIT, pools and caches.
// The client warms up in this same process, so its own JIT work is not counted in the measured run either.
await using var db = NpgsqlDataSource.Create(pgConnection);
double? warmupRate = null; // jobs/s of the warm-up: what freshly started workers do (shown, not judged)
var warmSubmissions = Array.Empty<Submission>();
if (warmup > 0)
{
    Log($"warm-up: {warmup} jobs (not measured)");
    var warmStart = clock.Elapsed;
    warmSubmissions = [.. (await SubmitAllAsync(await BodiesAsync(warmup, firstDocument: 1_000_000))).OfType<Submission>()];
    var warm = warmSubmissions.Select(s => s.JobId).ToArray();
    if (errorCount > 0 || warm.Length < warmup)
    {
        Log($"ERROR: the warm-up was not accepted ({errorCount} errors): {string.Join("; ", errors)}");
        return 1;
    }
    var warmDeadline = clock.Elapsed + TimeSpan.FromSeconds(ceilingSeconds);
    while (true)
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM analyzer.jobs WHERE id = ANY(@ids) AND status IN ('succeeded', 'failed')");
        cmd.Parameters.AddWithValue("ids", warm);
        if ((long)(await cmd.ExecuteScalarAsync(stop.Token))! >= warm.Length)
        {
            break;
        }
        if (clock.Elapsed > warmDeadline)
        {
            Log($"ERROR: the warm-up jobs did not finish within {ceilingSeconds} s");
            return 1;
        }
        await Task.Delay(TimeSpan.FromMilliseconds(250), stop.Token);
    }
    // Polled every 250 ms: the rate is at most that much low.
    warmupRate = warm.Length / (clock.Elapsed - warmStart).TotalSeconds;
    Log($"warm-up done ({warmupRate:F0} jobs/s, submission to the last one finished)");
}

var measuredBodies = await BodiesAsync(count, firstDocument: 0);

// The measured run starts here: PHASE_FILE tells deploy/bench/jobs.sh (which samples every process's CPU time then),
// and this process's own CPU time is taken here and at the end.
var phaseFile = Env("PHASE_FILE", "");
if (phaseFile.Length > 0)
{
    await File.WriteAllTextAsync(phaseFile, "measuring\n");
}
var clientCpuStart = Process.GetCurrentProcess().TotalProcessorTime;
var submitting = true;
var submitStart = Now();
var submittedSoFar = 0;
Log($"submitting {count} jobs through {gateway}api/v1/analyzer/jobs, {concurrency} in flight, prompts {prompts}");

var progress = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested && Volatile.Read(ref submitting))
    {
        await Task.Delay(TimeSpan.FromSeconds(5), stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        var done = Math.Min(Volatile.Read(ref submittedSoFar), count);
        if (!Volatile.Read(ref submitting))
        {
            break;
        }
        Log($"  {done}/{count} submitted after {clock.Elapsed.TotalSeconds:F0} s, {Volatile.Read(ref errorCount)} errors");
    }
});
var submissions = await SubmitAllAsync(measuredBodies, i => Volatile.Write(ref submittedSoFar, i));
var submitEnd = Now();
Volatile.Write(ref submitting, false);
var accepted = submissions.Where(s => s is not null).Select(s => s!).ToArray();
var submitSeconds = (submitEnd - submitStart).TotalSeconds;
Log($"submitted: {accepted.Length} accepted (202), {errorCount} errors in {submitSeconds:F1} s ({accepted.Length / submitSeconds:F0} /s)");
foreach (var e in errors)
{
    Log($"  ERROR {e}");
}
if (stop.IsCancellationRequested)
{
    Log("interrupted");
    return 130;
}

// ---------------------------------------------------------------------------------------------------------------
// wait for the jobs, reading analyzer.jobs directly
var ids = accepted.Select(s => s.JobId).ToArray();
var deadline = Now() + TimeSpan.FromSeconds(ceilingSeconds);
var lastReport = TimeSpan.Zero;
long finished = 0;
try
{
    while (true)
    {
        await using (var cmd = db.CreateCommand(
            "SELECT count(*) FILTER (WHERE status IN ('succeeded', 'failed')) FROM analyzer.jobs WHERE id = ANY(@ids)"))
        {
            cmd.Parameters.AddWithValue("ids", ids);
            finished = (long)(await cmd.ExecuteScalarAsync(stop.Token))!;
        }
        if (finished >= ids.Length || Now() > deadline || stop.IsCancellationRequested)
        {
            break;
        }
        if (clock.Elapsed - lastReport >= TimeSpan.FromSeconds(5))
        {
            lastReport = clock.Elapsed;
            Log($"  {finished}/{ids.Length} finished after {clock.Elapsed.TotalSeconds:F0} s");
        }
        await Task.Delay(TimeSpan.FromSeconds(1), stop.Token); // the poll costs PostgreSQL a probe per job: not more often
    }
}
catch (OperationCanceledException)
{
    Log("interrupted");
    return 130;
}
catch (NpgsqlException ex)
{
    Log($"ERROR: cannot read analyzer.jobs ({pgConnection}, password from PGPASSFILE): {ex.Message}");
    return 1;
}
var clientCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - clientCpuStart).TotalSeconds;
if (finished < ids.Length)
{
    Log($"ceiling of {ceilingSeconds} s after the last submission reached: {ids.Length - finished} jobs not finished");
}

// one row per accepted job: its state, its timestamps, how many completion events and command messages the outbox holds
var rows = new Dictionary<Guid, JobRow>();
await using (var cmd = db.CreateCommand("""
    SELECT j.id, j.status, j.created_at, j.started_at, j.finished_at, j.attempts,
           (SELECT count(*) FROM analyzer.outbox o WHERE o.job_id = j.id AND o.kind = 'event') AS events,
           (SELECT min(o.sent_at) FROM analyzer.outbox o WHERE o.job_id = j.id AND o.kind = 'command') AS command_sent_at
    FROM analyzer.jobs j WHERE j.id = ANY(@ids)
    """))
{
    cmd.Parameters.AddWithValue("ids", ids);
    await using var reader = await cmd.ExecuteReaderAsync(stop.Token);
    while (await reader.ReadAsync(stop.Token))
    {
        DateTimeOffset? At(int column) => reader.IsDBNull(column) ? null : new DateTimeOffset(reader.GetDateTime(column), TimeSpan.Zero);
        rows[reader.GetGuid(0)] = new JobRow(reader.GetString(1), At(2)!.Value, At(3), At(4), reader.GetInt32(5),
            reader.GetInt64(6), At(7));
    }
}
// token usage rows per session: more than one per prompt means the analysis ran again (work redone, not a second result)
var usage = new Dictionary<Guid, long>();
await using (var cmd = db.CreateCommand(
    "SELECT session_id, count(*) FROM analyzer.token_usage WHERE session_id = ANY(@ids) GROUP BY session_id"))
{
    cmd.Parameters.AddWithValue("ids", accepted.Select(s => s.SessionId).ToArray());
    await using var reader = await cmd.ExecuteReaderAsync(stop.Token);
    while (await reader.ReadAsync(stop.Token))
    {
        usage[reader.GetGuid(0)] = reader.GetInt64(1);
    }
}

// ---------------------------------------------------------------------------------------------------------------
// figures
var succeeded = new List<(Submission S, JobRow R)>();
var failed = 0;
var lost = 0;
var duplicated = 0;
var retried = 0;
var rerun = 0;
var usageSeen = false;
foreach (var s in accepted)
{
    if (!rows.TryGetValue(s.JobId, out var r) || r.FinishedAt is null || r.Status is not ("succeeded" or "failed"))
    {
        lost++;
        continue;
    }
    if (r.Status == "succeeded")
    {
        succeeded.Add((s, r));
    }
    else
    {
        failed++;
    }
    if (r.CompletionEvents > 1)
    {
        duplicated++;
    }
    if (r.Attempts > 1)
    {
        retried++;
    }
    var usageRows = usage.GetValueOrDefault(s.SessionId);
    usageSeen |= usageRows > 0;
    if (usageRows > promptCount)
    {
        rerun++;
    }
}
var finishedRows = accepted.Select(s => rows.GetValueOrDefault(s.JobId)).Where(r => r?.FinishedAt is not null).Select(r => r!).ToArray();
var firstSubmit = accepted.Length > 0 ? accepted.Min(s => s.SubmittedAt) : submitStart;
var lastFinish = finishedRows.Length > 0 ? finishedRows.Max(r => r.FinishedAt!.Value) : firstSubmit;
var wall = Math.Max((lastFinish - firstSubmit).TotalSeconds, 0.001);
var throughput = succeeded.Count / wall;

static double Percentile(IEnumerable<double> values, double p)
{
    var sorted = values.Order().ToArray();
    if (sorted.Length == 0)
    {
        return double.NaN;
    }
    var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
    return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
}
static string Ms(double seconds) => double.IsNaN(seconds) ? "-" : seconds >= 10 ? $"{seconds:F1} s" : $"{seconds * 1000:F0} ms";
string Pair(IEnumerable<double> values)
{
    var list = values.ToList();
    return $"{Ms(Percentile(list, 50))} / {Ms(Percentile(list, 95))}";
}

var toSucceeded = succeeded.Select(x => (x.R.FinishedAt!.Value - x.S.SubmittedAt).TotalSeconds).ToList();
var p50 = Percentile(toSucceeded, 50);
var p95 = Percentile(toSucceeded, 95);

var o = Console.Out;
o.WriteLine();
o.WriteLine($"Jobs benchmark (issue 5): {count} jobs through the gateway, {concurrency} in flight, prompts {prompts}, {Environment.ProcessorCount} cores");
if (description.Length > 0)
{
    o.WriteLine(description);
}
o.WriteLine(new string('-', 100));
o.WriteLine($"{"measure",-56}{"value",20}   {"target",-8}{"",8}");
o.WriteLine(new string('-', 100));
void Row(string name, string value, string target = "", bool? met = null) =>
    o.WriteLine($"{name,-56}{value,20}   {target,-8}{(met is null ? "" : met.Value ? "met" : "MISSED"),8}".TrimEnd());
Row("throughput (succeeded / first submit..last finish)", $"{throughput:F1} jobs/s", ">= 300", throughput >= 300);
Row("wall time (first submit .. last finish)", $"{wall:F1} s");
Row("time to succeeded p50 (submit .. finished_at)", Ms(p50));
Row("time to succeeded p95", Ms(p95));
Row("jobs to submit (N)", count.ToString(culture));
Row("  not sent (submitting stopped after too many errors)", Math.Max(0, count - accepted.Length - errorCount).ToString(culture));
Row("accepted (202)", accepted.Length.ToString(culture));
Row("submission errors (not 202)", errorCount.ToString(culture), "0", errorCount == 0);
Row("succeeded", succeeded.Count.ToString(culture));
Row("failed", failed.ToString(culture));
Row($"lost (accepted, not finished {ceilingSeconds} s after last submit)", lost.ToString(culture), "0", lost == 0);
Row("duplicated (> 1 completion event per job)", duplicated.ToString(culture), "0", duplicated == 0);
o.WriteLine(new string('-', 100));
o.WriteLine("where the time goes (p50 / p95)");
Row("  submit: HTTP 202 latency through the gateway", Pair(accepted.Select(s => s.Latency.TotalSeconds)));
Row("  submit rate", $"{accepted.Length / submitSeconds:F1} jobs/s");
Row("  relay: job created .. command sent to RabbitMQ", Pair(finishedRows.Where(r => r.CommandSentAt is not null).Select(r => (r.CommandSentAt!.Value - r.CreatedAt).TotalSeconds)));
Row("  queue: job created .. started (claimed)", Pair(finishedRows.Where(r => r.StartedAt is not null).Select(r => (r.StartedAt!.Value - r.CreatedAt).TotalSeconds)));
Row("  run: started .. finished", Pair(finishedRows.Where(r => r.StartedAt is not null).Select(r => (r.FinishedAt!.Value - r.StartedAt!.Value).TotalSeconds)));
Row("  finished-job rate (after the last submit)", finishedRows.Length == 0 ? "-" : $"{finishedRows.Count(r => r.FinishedAt > submitEnd) / Math.Max((lastFinish - submitEnd).TotalSeconds, 0.001):F1} jobs/s");
Row("  jobs claimed more than once (jobs.attempts > 1)", retried.ToString(culture));
Row("  analyses re-run in the consumer (usage rows > prompts)", usageSeen ? rerun.ToString(culture) : "n/a (no usage rows)");
if (warmupRate is { } rate)
{
    Row($"  warm-up before the run: {warmup} jobs (not counted)", $"{rate:F1} jobs/s");
}
o.WriteLine(new string('-', 100));
o.WriteLine("duplicated = a job with more than one AnalysisCompleted row in analyzer.outbox (kind 'event'): the outbox row is");
o.WriteLine("written in the same transaction as the job's result, so two rows mean the result was written twice.");

if (phaseFile.Length > 0)
{
    // measured until every job finished (or the ceiling), not through the report
    await File.AppendAllTextAsync(phaseFile, FormattableString.Invariant($"client_cpu_seconds={clientCpuSeconds:F3}\n"));
}

// Each run would otherwise leave N + WARMUP sessions, with their documents and analyses (some 50 MB), in the demo
// organisation's history, run after run.
if (Env("KEEP_JOBS", "0") != "1")
{
    await RemoveRunAsync(db, [.. warmSubmissions, .. accepted]);
}

if (errorCount > 0)
{
    Log($"ERROR: {errorCount} submissions were not answered 202: the measurement is not valid");
    return 1;
}
return 0;

// The run's jobs with their outbox rows (and webhook deliveries, by cascade) and its sessions with their token usage
// (and follow-ups and feedback, by cascade), in one transaction.
async Task RemoveRunAsync(NpgsqlDataSource dataSource, IReadOnlyList<Submission> submissions)
{
    await using var connection = await dataSource.OpenConnectionAsync();
    await using var transaction = await connection.BeginTransactionAsync();
    var jobIds = submissions.Select(s => s.JobId).ToArray();
    var sessionIds = submissions.Select(s => s.SessionId).ToArray();
    await DeleteAsync("DELETE FROM analyzer.outbox WHERE job_id = ANY(@ids)", jobIds);
    var deleted = await DeleteAsync("DELETE FROM analyzer.jobs WHERE id = ANY(@ids)", jobIds);
    await DeleteAsync("DELETE FROM analyzer.token_usage WHERE session_id = ANY(@ids)", sessionIds);
    await DeleteAsync("DELETE FROM analyzer.sessions WHERE id = ANY(@ids)", sessionIds);
    await transaction.CommitAsync();
    Log($"removed the run's {deleted} jobs and their sessions from the database (KEEP_JOBS=1 keeps them)");

    async Task<int> DeleteAsync(string sql, Guid[] ids)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.AddWithValue("ids", ids);
        return await cmd.ExecuteNonQueryAsync();
    }
}

internal sealed partial class Program
{
    private static readonly System.Net.Http.Headers.MediaTypeHeaderValue FormContentType = new("application/x-www-form-urlencoded");
}

internal sealed record Submission(Guid JobId, Guid SessionId, DateTimeOffset SubmittedAt, TimeSpan Latency);

internal sealed record JobRow(string Status, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    int Attempts, long CompletionEvents, DateTimeOffset? CommandSentAt);

internal sealed record JobAccepted(
    [property: JsonPropertyName("job_id")] Guid JobId,
    [property: JsonPropertyName("session_id")] Guid SessionId);
