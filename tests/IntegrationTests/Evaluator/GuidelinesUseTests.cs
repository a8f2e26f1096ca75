using System.Net;
using Platform.IntegrationTests.Admin;

namespace Platform.IntegrationTests.Evaluator;

/// <summary>The internal review uses the organisation's guidelines from Admin: all of them, or the ones named.</summary>
[Parallelizable(ParallelScope.All)]
public sealed class GuidelinesUseTests
{
    [Test]
    public async Task InternalReview_UsesTheOrganisationsGuidelines_AllOrSelected_NeverAnotherOrganisations()
    {
        var client = await EvaluatorClient.CreateAsync();
        var admin = AdminClient.ForOrg(client.Key.OrgId);
        var budget = await CreateGuidelineAsync(admin, "Budget rule", "Overheads may not exceed 7 percent of direct costs.");
        await CreateGuidelineAsync(admin, "Safeguarding rule", "Every project names a safeguarding focal point.");
        var foreign = await CreateGuidelineAsync(AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync()), "Foreign", "Not theirs.");

        var all = await EvaluateAsync(client);
        var one = await EvaluateAsync(client, ("guideline_ids", budget.ToString()));
        var stranger = await EvaluateAsync(client, ("guideline_ids", foreign.ToString()));

        Assert.Multiple(() =>
        {
            Assert.That((int)all["guidelines"]!["count"]!, Is.EqualTo(2));
            Assert.That((string?)all["guidelines"]!["source"], Is.EqualTo("organisation"));
            Assert.That((int)one["guidelines"]!["count"]!, Is.EqualTo(1));
            Assert.That((int)stranger["guidelines"]!["count"]!, Is.Zero, "another organisation's guideline is never used");
            Assert.That((string?)stranger["guidelines"]!["source"], Is.EqualTo("none"));
        });
    }

    [Test]
    public async Task MalformedGuidelineIds_Are400()
    {
        var client = await EvaluatorClient.CreateAsync();

        using var response = await client.SendAsync(HttpMethod.Post, "evaluate",
            EvaluatorClient.TextForm("u", TermsOfReference.Proposal, TermsOfReference.Text, ("guideline_ids", "not-an-id")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
    }

    private static async Task<System.Text.Json.Nodes.JsonNode> EvaluateAsync(EvaluatorClient client, params (string Name, string Value)[] extra)
    {
        using var response = await client.SendAsync(HttpMethod.Post, "evaluate",
            EvaluatorClient.TextForm("u", TermsOfReference.Proposal, TermsOfReference.Text, extra));
        return await AdminClient.OkJsonAsync(response);
    }

    private static async Task<Guid> CreateGuidelineAsync(AdminClient admin, string title, string content)
    {
        using var created = await admin.PostAsync("api/v1/admin/guidelines", new { title, content });
        return (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;
    }
}
