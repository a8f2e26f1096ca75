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
        var safeguarding = await CreateGuidelineAsync(admin, "Safeguarding rule", "Every project names a safeguarding focal point.");
        var foreign = await CreateGuidelineAsync(AdminClient.ForOrg(await AdminClient.CreateOrganizationAsync()), "Foreign", "Not theirs.");

        var all = await EvaluateAsync(client);
        var one = await EvaluateAsync(client, ("guideline_ids", budget.ToString()));
        var stranger = await EvaluateAsync(client, ("guideline_ids", foreign.ToString()));
        var exported = await ExportMarkdownAsync(client, (Guid)one["session_id"]!);
        var exportedNone = await ExportMarkdownAsync(client, (Guid)stranger["session_id"]!);

        // Global guidelines other tests create meanwhile may apply as well, so "all" is checked on the organisation's own.
        Assert.Multiple(() =>
        {
            Assert.That((int)all["guidelines"]!["organisation"]!, Is.EqualTo(2));
            Assert.That(Used(all, "organisation"), Is.EquivalentTo(new[] { budget, safeguarding }));
            Assert.That((string?)all["guidelines"]!["source"], Does.EndWith("organisation"));
            Assert.That((int)one["guidelines"]!["count"]!, Is.EqualTo(1));
            Assert.That(Used(one, "organisation"), Is.EqualTo(new[] { budget }));

            // Offline, the internal review checks each guideline rule against the proposal's sentences.
            Assert.That((string?)one["internal_analysis"]!["content"], Does.Contain("### Budget rule (organisation guideline)")
                .And.Contain("Follows \u201COverheads may not exceed 7 percent of direct costs.\u201D: ")
                .And.Contain("indirect costs are capped at seven percent")
                .And.Not.Contain("Safeguarding rule"));
            Assert.That((string?)stranger["internal_analysis"]!["content"], Does.Contain("No guidelines apply"));
            Assert.That((int)stranger["guidelines"]!["count"]!, Is.Zero, "another organisation's guideline is never used");
            Assert.That((string?)stranger["guidelines"]!["source"], Is.EqualTo("none"));

            // The export says which rules the review was held to.
            Assert.That(exported, Does.Contain("Guidelines used").And.Contain("applied 1 guideline(s): 0 global, 1 of the organisation")
                .And.Contain("| 1 | Budget rule | organisation | - |").And.Not.Contain("Safeguarding rule"));
            Assert.That(exportedNone, Does.Contain("Guidelines used").And.Contain("applied no guidelines").And.Not.Contain("Foreign"));
        });
    }

    private static async Task<string> ExportMarkdownAsync(EvaluatorClient client, Guid sessionId)
    {
        using var response = await client.SendAsync(HttpMethod.Get, $"sessions/{sessionId}/export?format=md");
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        return await response.Content.ReadAsStringAsync();
    }

    [Test]
    public async Task GlobalGuidelines_ApplyToEveryOrganisation_UnlessItsOwnOfTheSameTitleOverridesThem()
    {
        var platform = AdminClient.Platform();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var globalBudget = await GuidelinesApiTests.CreateGlobalAsync(platform, $"Budget rule {tag}", "Overheads may not exceed 7 percent of direct costs.");
        var globalReporting = await GuidelinesApiTests.CreateGlobalAsync(platform, $"Reporting rule {tag}", "Narrative reports are due every quarter.");
        try
        {
            var plain = await EvaluatorClient.CreateAsync();
            var overriding = await EvaluatorClient.CreateAsync();
            var own = await CreateGuidelineAsync(AdminClient.ForOrg(overriding.Key.OrgId), $"budget RULE {tag}", "Overheads may not exceed 10 percent of direct costs.");

            var withGlobalsOnly = await EvaluateAsync(plain);
            var withOverride = await EvaluateAsync(overriding);
            var plainAgain = await EvaluateAsync(plain);
            using var stored = await overriding.SendAsync(HttpMethod.Get, $"sessions/{(Guid)withOverride["session_id"]!}");
            var session = await AdminClient.OkJsonAsync(stored);

            Assert.Multiple(() =>
            {
                Assert.That(Used(withGlobalsOnly, "global"), Does.Contain(globalBudget).And.Contain(globalReporting), "an organisation without guidelines gets the global ones");
                Assert.That(Used(withGlobalsOnly, "organisation"), Is.Empty);
                Assert.That((string?)withGlobalsOnly["guidelines"]!["source"], Is.EqualTo("global"));

                Assert.That(Used(withOverride, "organisation"), Is.EqualTo(new[] { own }));
                Assert.That(Used(withOverride, "global"), Does.Contain(globalReporting).And.Not.Contain(globalBudget), "its own budget rule replaces the global one");
                var item = withOverride["guidelines"]!["items"]!.AsArray().Single(i => (Guid)i!["id"]! == own)!;
                Assert.That((Guid?)item["overrides"], Is.EqualTo(globalBudget));
                Assert.That((string?)withOverride["guidelines"]!["source"], Is.EqualTo("global+organisation"));

                Assert.That(Used(plainAgain, "global"), Does.Contain(globalBudget), "another organisation's override changes nothing for others");
                Assert.That((string?)withGlobalsOnly["internal_analysis"]!["content"], Does.Contain($"### Budget rule {tag} (global guideline)")
                    .And.Contain("Overheads may not exceed 7 percent"));
                Assert.That((string?)withOverride["internal_analysis"]!["content"],
                    Does.Contain($"### budget RULE {tag} (organisation guideline, replaces the global one of this title)")
                    .And.Contain("Overheads may not exceed 10 percent").And.Not.Contain($"### Budget rule {tag} (global guideline)"));
                Assert.That(Used(session, "organisation"), Is.EqualTo(new[] { own }), "the session keeps which guidelines were used");
                Assert.That(Used(session, "global"), Does.Contain(globalReporting).And.Not.Contain(globalBudget));
            });
        }
        finally
        {
            foreach (var id in new[] { globalBudget, globalReporting })
            {
                using (await platform.DeleteAsync($"api/v1/admin/guidelines/{id}"))
                {
                }
            }
        }
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

    private static List<Guid> Used(System.Text.Json.Nodes.JsonNode evaluation, string scope) =>
        [.. evaluation["guidelines"]!["items"]!.AsArray().Where(i => (string?)i!["scope"] == scope).Select(i => (Guid)i!["id"]!)];

    private static async Task<Guid> CreateGuidelineAsync(AdminClient admin, string title, string content)
    {
        using var created = await admin.PostAsync("api/v1/admin/guidelines", new { title, content });
        return (Guid)(await AdminClient.OkJsonAsync(created, HttpStatusCode.Created))["id"]!;
    }
}
