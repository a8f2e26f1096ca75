using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Platform.Contracts;
using Platform.Data;
using Platform.Jobs;
using Platform.Jobs.Webhooks;

namespace Platform.IntegrationTests.Jobs;

/// <summary>Configuration of the job machinery: roles, defaults, validation, contracts and queue names.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class JobsOptionsTests
{
    [TestCase(new string[0], true, true)]
    [TestCase(new[] { "--role", "worker" }, true, false)]
    [TestCase(new[] { "--role", "api" }, false, true)]
    [TestCase(new[] { "--role", "ALL" }, true, true)]
    [TestCase(new[] { "--Jobs:Role", "worker" }, true, false)]
    public void Role_FromTheCommandLine_DecidesWhatTheProcessRuns(string[] args, bool consumers, bool api)
    {
        var options = JobsOptions.FromConfiguration(new ConfigurationBuilder().AddCommandLine(args).Build());

        Assert.Multiple(() =>
        {
            Assert.That(options.RunsConsumers, Is.EqualTo(consumers));
            Assert.That(options.RunsApi, Is.EqualTo(api));
        });
    }

    [Test]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = JobsOptions.FromConfiguration(new ConfigurationBuilder().Build());

        Assert.Multiple(() =>
        {
            Assert.That(options.Role, Is.EqualTo(JobsRole.All));
            Assert.That(options.LeaseDuration, Is.EqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(options.MaxAttempts, Is.EqualTo(3));
            Assert.That(options.RelayInterval, Is.EqualTo(TimeSpan.FromMilliseconds(200)));
            Assert.That(options.AllowPrivateCallbacks, Is.False);
            Assert.That(options.WebhookSecret, Is.Null);
            Assert.That(options.ConsumerConcurrency, Is.GreaterThan(0));
        });
    }

    [TestCase("role", "boss", "role")]
    [TestCase("Jobs:LeaseDuration", "00:00:00", "LeaseDuration")]
    [TestCase("Jobs:WebhookSecret", "too-short", "WebhookSecret")]
    [TestCase("Jobs:ConsumerConcurrency", "0", "ConsumerConcurrency")]
    public async Task BadSetting_StopsTheAppAtStart_NamingIt(string key, string value, string named)
    {
        await using var scope = await JobsScope.CreateAsync();
        await using var host = scope.Build((key, value));

        var error = Assert.ThrowsAsync<OptionsValidationException>(host.StartAsync);

        Assert.That(error!.Message, Does.Contain(named));
    }

    [Test]
    public void AddJobs_WithoutTheJobMigrations_SaysWhatToPassToAddPlatformData()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Postgres"] = JobsDatabase.ConnectionString;
        builder.AddPlatformData("analyzer", typeof(JobsOptionsTests).Assembly);

        var error = Assert.Throws<InvalidOperationException>(() => builder.AddJobs(jobs => jobs.AddJob<TestJob, TestJobCompleted>("test")));

        Assert.That(error!.Message, Does.Contain("JobsExtensions.MigrationsAssembly"));
    }

    [Test]
    public void ServiceContracts_GetTheirQueues_AndCompletionEventsByName()
    {
        var registry = new JobsBuilder("analyzer").AddJob<AnalyzeDocument, AnalysisCompleted>("analysis").Build();
        var evaluator = new JobsBuilder("evaluator").AddJob<EvaluateProposal, EvaluationCompleted>("evaluation").Build();
        var session = Guid.NewGuid();
        using var result = System.Text.Json.JsonDocument.Parse($$"""{"session_id": "{{session}}", "sections": []}""");
        var outcome = new JobOutcome(Guid.NewGuid(), Guid.NewGuid(), "analysis", JobStatus.Succeeded, result.RootElement, null, DateTimeOffset.UtcNow);

        var analysis = (AnalysisCompleted)registry.Kind("analysis").CreateCompleted(outcome);
        var failed = (EvaluationCompleted)evaluator.Kind("evaluation").CreateCompleted(outcome with { Status = JobStatus.Failed, Result = null, Error = "no text" });

        Assert.Multiple(() =>
        {
            Assert.That(registry.Kind("analysis").Queue, Is.EqualTo("analyzer-analyze-document"));
            Assert.That(evaluator.Kind("evaluation").Queue, Is.EqualTo("evaluator-evaluate-proposal"));
            Assert.That(analysis, Is.EqualTo(new AnalysisCompleted
            {
                JobId = outcome.JobId,
                OrgId = outcome.OrgId,
                SessionId = session,
                Status = "succeeded",
                CompletedAt = outcome.CompletedAt,
            }));
            Assert.That(failed.Status, Is.EqualTo("failed"));
            Assert.That(failed.Error, Is.EqualTo("no text"));
            Assert.That(failed.SessionId, Is.Null);
        });
    }

    [Test]
    public void AddJob_CommandWithoutJobIdAndOrgId_IsRejectedAtRegistration()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new JobsBuilder("svc").AddJob<NotAJob, TestJobCompleted>("bad-shape"));

        Assert.That(error!.Message, Does.Contain("Guid JobId"));
    }

    [Test]
    public void WebhookSignature_IsHexHmacSha256OfTheBody()
    {
        var body = "{\"job_id\":\"x\"}"u8.ToArray();

        var signature = WebhookSignature.Compute("key", body);

        Assert.Multiple(() =>
        {
            // printf '%s' '{"job_id":"x"}' | openssl dgst -sha256 -hmac key
            Assert.That(signature, Is.EqualTo("sha256=0f2e5d6ee7dbaa2b436e7131d41ea6bc7b744ac5769a7ce8617587815387377c"));
            Assert.That(WebhookSignature.Verify("key", body, signature), Is.True);
            Assert.That(WebhookSignature.Verify("other", body, signature), Is.False);
            Assert.That(WebhookSignature.Verify("key", "{}"u8, signature), Is.False);
        });
    }

    public sealed record NotAJob(string JobId);
}
