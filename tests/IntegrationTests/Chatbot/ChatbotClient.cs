using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Platform.IntegrationTests.Admin;
using Platform.IntegrationTests.Gateway;
using Platform.Testing;

namespace Platform.IntegrationTests.Chatbot;

/// <summary>One server-sent event.</summary>
public sealed record SseEvent(string Name, JsonNode Data);

/// <summary>Calls the Chatbot through the gateway with an API key of a fresh organisation.</summary>
public sealed class ChatbotClient(ApiKey key)
{
    public ApiKey Key { get; } = key;

    public static async Task<ChatbotClient> CreateAsync() => new(await ApiKey.CreateAsync("chatbot"));

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null) =>
        Fleet.Gateway.Client.SendAsync(Key.Request(method, "api/v1/chatbot/" + path.TrimStart('/'), content));

    public static MultipartFormDataContent FileForm(byte[] bytes, string fileName, string? title = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse("application/octet-stream");
        form.Add(file, "file", fileName);
        if (title is not null)
        {
            form.Add(new StringContent(title), "title");
        }

        return form;
    }

    /// <summary>Uploads a text document that is small enough to be indexed at once: 201, ready.</summary>
    public async Task<Guid> UploadReadyAsync(string text, string fileName, string? title = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "documents", FileForm(Encoding.UTF8.GetBytes(text), fileName, title));
        var body = await AdminClient.OkJsonAsync(response, HttpStatusCode.Created);
        Assert.That((string?)body["status"], Is.EqualTo("ready"));
        return (Guid)body["id"]!;
    }

    public async Task<JsonNode> AskAsync(string question, Guid? sessionId = null, string? format = null, string userId = "user-1")
    {
        using var response = await SendAsync(HttpMethod.Post, "chat", Json.Body(new { user_id = userId, question, session_id = sessionId, format }));
        return await AdminClient.OkJsonAsync(response);
    }

    public static IEnumerable<Guid> SourceDocuments(JsonNode answer) =>
        answer["sources"]!.AsArray().Select(s => (Guid)s!["source"]!["document_id"]!);

    public static IEnumerable<string> SourceTexts(JsonNode answer) =>
        answer["sources"]!.AsArray().Select(s => (string)s!["text"]!);

    /// <summary>Parses a text/event-stream body into its events (data lines are JSON).</summary>
    public static List<SseEvent> ParseEvents(string body)
    {
        var events = new List<SseEvent>();
        foreach (var block in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            string? name = null;
            var data = new StringBuilder();
            foreach (var line in block.Split('\n'))
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    name = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    data.Append(line[6..]);
                }
            }

            Assert.That(name, Is.Not.Null, $"every event is named: {block}");
            events.Add(new SseEvent(name!, JsonNode.Parse(data.ToString())!));
        }

        return events;
    }
}
