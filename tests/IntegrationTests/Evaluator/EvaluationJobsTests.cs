using System.Net;
using System.Text.Json.Nodes;
using Platform.Contracts;
using Platform.IntegrationTests.Admin;
using Platform.Testing;

namespace Platform.IntegrationTests.Evaluator;

[Parallelizable(ParallelScope.All)]
public sealed class EvaluationJobsTests
{
    [Test]
    public async Task Job_GoesFromAcceptedToSucceeded_OverRabbitMq_AndPublishesEvaluationCompleted()
    {
        await using var bus = await TestBus<EvaluationCompleted>.StartAsync();
        var client = await EvaluatorClient.CreateAsync();

        using var submitted = await client.SendAsync(HttpMethod.Post, "jobs",
            EvaluatorClient.FileForm("user-j", TermsOfReference.ProposalPdf(), "proposal.pdf", TermsOfReference.Text));

        var accepted = await AdminClient.OkJsonAsync(submitted, HttpStatusCode.Accepted);
        var jobId = (Guid)accepted["job_id"]!;
        Assert.That(submitted.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/evaluator/jobs/{jobId}"));
        var job = await WaitForFinishedAsync(client, jobId);
        Assert.Multiple(() =>
        {
            Assert.That((string?)job["status"], Is.EqualTo("succeeded"), job.ToJsonString());
            Assert.That((int)job["progress"]!["done"]!, Is.EqualTo(3));
            Assert.That((int)job["progress"]!["total"]!, Is.EqualTo(3));
            Assert.That(job["result"]!["alignment"]!["requirements"]!.AsArray().Select(r => (string?)r!["status"]), Is.EqualTo(TermsOfReference.Expected));
        });

        var sessionId = (Guid)job["session_id"]!;
        Assert.That((Guid)accepted["session_id"]!, Is.EqualTo(sessionId));
        using var session = await client.SendAsync(HttpMethod.Get, $"sessions/{sessionId}");
        var stored = await AdminClient.OkJsonAsync(session);
        Assert.That((string?)stored["status"], Is.EqualTo("completed"));
        Assert.That((string?)stored["external_analysis"]!["key"], Is.EqualTo("evaluator.external"));
        Assert.Multiple(async () =>
        {
            Assert.That((Guid)job["result"]!["session_id"]!, Is.EqualTo(sessionId));
            Assert.That((string?)job["result"]!["internal_analysis"]!["key"], Is.EqualTo("evaluator.internal"), "read from the session");
            Assert.That(job["result"]!["delta_analysis"]!.ToJsonString(), Is.EqualTo(stored["delta_analysis"]!.ToJsonString()));
            Assert.That(
                await OrganizationsApiTests.CountAsync("SELECT count(*) FROM evaluator.jobs WHERE id = @id AND result ->> 'session_id' = @session AND result -> 'internal_analysis' IS NULL", ("id", jobId), ("session", sessionId.ToString())),
                Is.EqualTo(1), "the job row refers to the session, which alone stores the analyses");
        });
        var completed = await bus.WaitForAsync(m => m.JobId == jobId, TimeSpan.FromSeconds(30));
        Assert.That(completed.SessionId, Is.EqualTo(sessionId));
        Assert.That(completed.OrgId, Is.EqualTo(client.Key.OrgId));

        // Once the session is deleted, the job still answers, with the reference and no analyses.
        using var deleted = await client.SendAsync(HttpMethod.Delete, $"sessions/{sessionId}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var after = await client.SendAsync(HttpMethod.Get, $"jobs/{jobId}");
        var orphaned = await AdminClient.OkJsonAsync(after);
        Assert.Multiple(() =>
        {
            Assert.That((string?)orphaned["status"], Is.EqualTo("succeeded"));
            Assert.That((Guid)orphaned["result"]!["session_id"]!, Is.EqualTo(sessionId));
            Assert.That(orphaned["result"]!["internal_analysis"], Is.Null);
        });
    }

    [Test]
    public async Task Job_WithoutTerms_Is400_AndAnotherOrganisationsJob_Is404()
    {
        var owner = await EvaluatorClient.CreateAsync();
        var stranger = await EvaluatorClient.CreateAsync();

        using var refused = await owner.SendAsync(HttpMethod.Post, "jobs", EvaluatorClient.TextForm("u", TermsOfReference.Proposal, null));
        var errors = (await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.That(errors.TryGetProperty("tor_text_input", out _), Is.True);

        using var submitted = await owner.SendAsync(HttpMethod.Post, "jobs", EvaluatorClient.TextForm("u", TermsOfReference.Proposal, TermsOfReference.Text));
        var jobId = (Guid)(await AdminClient.OkJsonAsync(submitted, HttpStatusCode.Accepted))["job_id"]!;

        using var response = await stranger.SendAsync(HttpMethod.Get, $"jobs/{jobId}");
        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
    }

    private static async Task<JsonNode> WaitForFinishedAsync(EvaluatorClient client, Guid jobId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            using var response = await client.SendAsync(HttpMethod.Get, $"jobs/{jobId}");
            var job = await AdminClient.OkJsonAsync(response);
            var status = (string?)job["status"];
            if (status is "succeeded" or "failed" || DateTime.UtcNow > deadline)
            {
                return job;
            }

            await Task.Delay(100);
        }
    }
}
