using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Platform.Testing;
using static Microsoft.Playwright.Assertions;

namespace Platform.BrowserTests;

public sealed class OpsTests : BrowserTest
{
    [Test]
    public async Task StepButton_WithReason_MovesTheWeightAtTheGateway()
    {
        await SignInAsync();
        await Page.GotoAsync(WebAddress + "/Ops");
        var route = Page.Locator("section[data-route=evaluator]");
        var target = await ReadWeightAsync("evaluator") == 25 ? 50 : 25;

        await route.GetByLabel("Reason for the change").FillAsync("browser test canary");
        await route.GetByRole(AriaRole.Button, new() { Name = $"{target}%", Exact = true }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync($"evaluator: {target}% of clients");
        await Expect(Page.Locator("section[data-route=evaluator] [data-weight]")).ToHaveTextAsync($"{target}%");
        Assert.That(await ReadWeightAsync("evaluator"), Is.EqualTo(target), "GET /ops/rollout at the gateway");

        await Page.Locator("section[data-route=evaluator] summary").ClickAsync();
        await Expect(route.GetByRole(AriaRole.Table)).ToContainTextAsync("browser test canary");
        await Expect(Page.Locator("#charts svg")).ToHaveCountAsync(3);
    }

    [Test]
    public async Task StepButton_WithoutReason_IsRefused()
    {
        await SignInAsync();
        await Page.GotoAsync(WebAddress + "/Ops");
        var before = await ReadWeightAsync("chatbot");
        var route = Page.Locator("section[data-route=chatbot]");
        var other = before == 10 ? 75 : 10;
        // The field is required in the browser; the server refuses an empty reason too (sent without the check here).
        await route.GetByLabel("Reason for the change").EvaluateAsync("e => e.removeAttribute('required')");
        await route.GetByRole(AriaRole.Button, new() { Name = $"{other}%", Exact = true }).ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Give a reason");
        Assert.That(await ReadWeightAsync("chatbot"), Is.EqualTo(before));
    }

    private static async Task<int> ReadWeightAsync(string route)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "ops/rollout");
        request.Headers.Add("api-key", BrowserSetup.Key.Key);
        request.Headers.Add("api-secret", BrowserSetup.Key.Secret);
        using var response = await Fleet.Gateway.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        return JsonNode.Parse(body)!.AsArray().Single(r => (string)r!["route"]! == route)!["weight"]!.GetValue<int>();
    }
}
