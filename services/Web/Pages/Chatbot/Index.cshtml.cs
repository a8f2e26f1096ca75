using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Platform.Web.Gateway;

namespace Platform.Web.Pages.Chatbot;

public sealed class IndexModel(GatewayClient gateway) : GatewayPageModel
{
    [BindProperty(SupportsGet = true, Name = "session")]
    public Guid? SessionId { get; set; }

    public string UserId { get; private set; } = "web";

    public IReadOnlyList<ChatMessage> Messages { get; private set; } = [];

    /// <summary>The answer just given (without script): its passages are shown with its citations.</summary>
    public ChatAnswer? Answer { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (SessionId is { } id)
        {
            var session = await gateway.GetAsync<ChatSession>($"api/v1/chatbot/sessions/{id}", ct);
            Messages = session.Messages;
            UserId = session.UserId;
        }
    }

    /// <summary>Without script: the whole answer at once, then the conversation with it.</summary>
    public async Task<IActionResult> OnPostAsync(string? question, Guid? sessionId, string? userId, CancellationToken ct)
    {
        UserId = string.IsNullOrWhiteSpace(userId) ? "web" : userId.Trim();
        SessionId = sessionId;
        if (!await TryAsync(async () => Answer = await gateway.PostJsonAsync<ChatAnswer>("api/v1/chatbot/chat", ChatBody(question, sessionId, stream: false), ct)))
        {
            await OnGetAsync(ct);
            return Page();
        }

        SessionId = Answer!.SessionId;
        await OnGetAsync(ct);
        return Page();
    }

    /// <summary>With script: the gateway's Server-Sent Events passed through as they come (delta, then done or error).</summary>
    public async Task<IActionResult> OnPostStreamAsync(string? question, Guid? sessionId, string? userId, CancellationToken ct)
    {
        var body = ChatBody(question, sessionId, stream: true, userId);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/chatbot/chat") { Content = JsonContent.Create(body, options: GatewayClient.Json) };
        request.Headers.Accept.ParseAdd("text/event-stream");
        using var upstream = await gateway.SendAsync(request, ct, completion: HttpCompletionOption.ResponseHeadersRead);
        Response.ContentType = "text/event-stream; charset=utf-8";
        Response.Headers.CacheControl = "no-cache";
        if (!upstream.IsSuccessStatusCode)
        {
            var problem = ProblemView.From(upstream.StatusCode, await upstream.Content.ReadAsStringAsync(ct), upstream.Headers.RetryAfter?.Delta);
            await Response.WriteAsync($"event: problem\ndata: {JsonSerializer.Serialize(problem, GatewayClient.Json)}\n\n", ct);
            return new EmptyResult();
        }

        await using var stream = await upstream.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[4096];
        int read;
        while ((read = await stream.ReadAsync(buffer, ct)) > 0)
        {
            await Response.Body.WriteAsync(buffer.AsMemory(0, read), ct);
            await Response.Body.FlushAsync(ct);
        }

        return new EmptyResult();
    }

    public async Task<IActionResult> OnPostFeedbackAsync(Guid messageId, Guid? sessionId, int? rating, string? comment, CancellationToken ct)
    {
        SessionId = sessionId;
        if (!await TryAsync(() => gateway.PostJsonAsync("api/v1/chatbot/feedback", new { message_id = messageId, rating, comment }, ct)))
        {
            await OnGetAsync(ct);
            return Page();
        }

        Flash = "Thank you: feedback on the answer recorded.";
        return RedirectToPage(new { session = sessionId });
    }

    private object ChatBody(string? question, Guid? sessionId, bool stream, string? userId = null) => new
    {
        user_id = string.IsNullOrWhiteSpace(userId) ? UserId : userId.Trim(),
        question,
        session_id = sessionId,
        format = "markdown",
        stream,
    };
}
