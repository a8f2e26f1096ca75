using System.Text.Json;
using Microsoft.Extensions.AI;
using Platform.AI;

namespace Platform.UnitTests.Chatbot;

public sealed class ChatbotOfflineTests
{
    private static async Task<string> AskAsync(string key, Dictionary<string, string> variables)
    {
        using var client = new OfflineChatClient();
        var options = new ChatOptions
        {
            AdditionalProperties = new AdditionalPropertiesDictionary { [PromptProperties.PromptKey] = key, [PromptProperties.Variables] = variables },
        };
        return (await client.GetResponseAsync([new ChatMessage(ChatRole.User, "prompt")], options)).Text;
    }

    [TestCase("and its budget?", "What is the budget of Project Aurora?")]
    [TestCase("And when does it start?", "When does Project Aurora start?")]
    [TestCase("what about the partners?", "What are the partners of Project Aurora?")]
    [TestCase("and Project Borealis?", "What is the total cost of Project Borealis?")]
    public async Task Refine_ResolvesAFollowUp_WithTheLastTurn(string question, string expected)
    {
        var history = "User: What is the total cost of Project Aurora?\nAssistant: The total cost is USD 2 million [1].";

        var refined = await AskAsync("chatbot.refine", new() { ["history"] = history, ["question"] = question });

        Assert.That(refined, Is.EqualTo(expected));
    }

    [Test]
    public async Task Refine_LeavesAStandaloneQuestion()
    {
        var refined = await AskAsync("chatbot.refine", new()
        {
            ["history"] = "User: What is the total cost of Project Aurora?",
            ["question"] = "Which districts does the Borealis water programme cover?",
        });

        Assert.That(refined, Is.EqualTo("Which districts does the Borealis water programme cover?"));
    }

    [Test]
    public async Task Answer_QuotesTheBestPassages_AndCitesThem()
    {
        var sources = JsonSerializer.Serialize(new object[]
        {
            new { number = 1, title = "Aurora proposal", page = 3, paragraph = 2, text = "Project Aurora starts in March 2026. Its total budget is USD 2,400,000 over three years." },
            new { number = 2, title = "Borealis proposal", page = 1, paragraph = 1, text = "Project Borealis trains 300 nurses in two regions." },
        });

        var answer = await AskAsync("chatbot.answer", new() { ["question"] = "What is the budget of Project Aurora?", ["sources"] = sources });
        TestContext.Out.WriteLine(answer);

        Assert.That(answer, Does.Contain("\u201CIts total budget is USD 2,400,000 over three years.\u201D [1]"));
        Assert.That(answer, Does.Contain("[1] Aurora proposal, page 3"));
        Assert.That(answer, Does.Not.Contain("[2] Borealis"), "only what is quoted is listed");
    }

    [Test]
    public async Task Answer_WithoutPassages_SaysSo()
    {
        var answer = await AskAsync("chatbot.answer", new() { ["question"] = "Anything?", ["sources"] = "[]" });

        Assert.That(answer, Does.Contain("could not find anything"));
        Assert.That(answer, Does.Not.Contain("["));
    }
}
