using System.Net;
using System.Text;
using Platform.IntegrationTests.Admin;
using Platform.Testing;

namespace Platform.IntegrationTests.Chatbot;

/// <summary>A Chatbot whose vector store (Pinecone, here an address nothing listens on) is down.</summary>
public sealed class VectorStoreOutageTests
{
    private static readonly TimeSpan Ceiling = TimeSpan.FromSeconds(90);

    [Test]
    public async Task SmallUpload_WhileTheVectorStoreIsDown_Is503WithRetryAfter_AndTheDocumentIsMarkedFailed()
    {
        var env = Fleet.CommonEnvironment("chatbot");
        env["VectorStore__Provider"] = "pinecone";
        env["VectorStore__Pinecone__IndexHost"] = $"http://127.0.0.1:{FreePort.Next()}";
        env["VectorStore__Pinecone__ApiKey"] = "pc-test-unreachable";
        env["VectorStore__Pinecone__MaxRetries"] = "0";
        env["VectorStore__Pinecone__AttemptTimeout"] = "00:00:02";
        await using var chatbot = AppProcess.Start("chatbot-pinecone-down", "services/Chatbot/Chatbot.csproj", FreePort.Next(), env);
        await chatbot.WaitUntilReadyAsync(Ceiling);
        using var http = new HttpClient { BaseAddress = chatbot.BaseAddress, Timeout = Ceiling };
        var client = new SignedClient(http, Guid.NewGuid(), "key-outage", "chatbot");

        using var upload = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/chatbot/documents")
        {
            Content = ChatbotClient.FileForm(Encoding.UTF8.GetBytes("Project Aurora is led by Dr. Amina Okafor."), "aurora.txt"),
        });

        var problem = await ProblemAssert.IsProblemAsync(upload, HttpStatusCode.ServiceUnavailable);
        Assert.That(upload.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(5)));
        Assert.That(problem.GetProperty("detail").GetString(), Does.Contain("try again"));

        using var list = await client.GetAsync("api/v1/chatbot/documents");
        var items = (await AdminClient.OkJsonAsync(list))["items"]!.AsArray();
        Assert.That(items, Has.Count.EqualTo(1));
        Assert.That((string?)items[0]!["status"], Is.EqualTo("failed"), "the document is kept, marked failed, not lost half-indexed");
    }
}
