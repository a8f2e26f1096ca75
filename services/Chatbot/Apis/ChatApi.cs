using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Platform.Chatbot.Chat;
using Platform.Chatbot.Model;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Chatbot.Apis;

/// <summary>
/// <c>POST /chat</c>, the legacy JSON <c>{user_id, question, session_id?}</c> plus <c>format</c> (<c>markdown</c>,
/// <c>whatsapp</c>, <c>plain</c>) and <c>stream</c>: an answer from the organisation's knowledge base with numbered
/// citations, or with <c>stream=true</c> Server-Sent Events (<c>delta</c> events of the answer as it is produced, then
/// one <c>done</c> event with the whole answer, its parts, citations and ids).
/// </summary>
public static partial class ChatApi
{
    public static RouteGroupBuilder MapChatApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/chatbot").WithTags("Chat").RequireScope(Scopes.Chatbot);
        api.MapPost("/chat", ChatAsync).WithName("Chat")
            .WithSummary("JSON: user_id, question, optional session_id, format (markdown|whatsapp|plain), stream.");
        return api;
    }

    public static async Task<Results<Ok<ChatAnswer>, NotFound, ValidationProblem, EmptyHttpResult>> ChatAsync(
        ChatRequest request, CallerIdentity caller, ChatService chat, IOptions<ChatbotOptions> options, IOptions<JsonOptions> json,
        HttpContext http, ILoggerFactory loggers, CancellationToken ct)
    {
        var format = string.IsNullOrWhiteSpace(request.Format) ? AnswerFormats.Markdown : request.Format.Trim().ToLowerInvariant();
        var validation = new Validation()
            .Text("user_id", request.UserId, 200)
            .Text("question", request.Question, options.Value.MaxQuestionLength)
            .OneOf("format", format, [.. AnswerFormats.All]);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var prepared = await chat.PrepareAsync(caller.OrgId, request.UserId!.Trim(), request.Question!.Trim(), request.SessionId, format, ct);
        if (prepared is null)
        {
            return TypedResults.NotFound();
        }

        if (request.Stream != true)
        {
            return TypedResults.Ok(await chat.AnswerAsync(prepared, ct));
        }

        await StreamAsync(http.Response, chat, prepared, json.Value.SerializerOptions, loggers.CreateLogger(typeof(ChatApi).FullName!), ct);
        return TypedResults.Empty;
    }

    private static async Task StreamAsync(
        HttpResponse response, ChatService chat, PreparedChat prepared, JsonSerializerOptions json, ILogger logger, CancellationToken ct)
    {
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        await response.Body.FlushAsync(ct);

        var formatter = new AnswerFormatter(prepared.Format);
        var raw = new StringBuilder();
        var pending = new StringBuilder();
        try
        {
            await foreach (var delta in chat.StreamAsync(prepared, ct))
            {
                raw.Append(delta);
                if (prepared.Format == AnswerFormats.Markdown)
                {
                    await WriteEventAsync(response, "delta", new { text = delta }, json, ct);
                    continue;
                }

                // WhatsApp and plain text are converted a whole line at a time, as each line completes.
                pending.Append(delta);
                var text = pending.ToString();
                var end = text.LastIndexOf('\n');
                if (end < 0)
                {
                    continue;
                }

                pending.Clear().Append(text[(end + 1)..]);
                var lines = text[..end].Split('\n').Select(formatter.Line).Where(l => l is not null);
                await WriteEventAsync(response, "delta", new { text = string.Join("\n", lines) + "\n" }, json, ct);
            }

            if (pending.Length > 0 && formatter.Line(pending.ToString()) is { } last)
            {
                await WriteEventAsync(response, "delta", new { text = last }, json, ct);
            }

            var answer = await chat.CompleteAsync(prepared, raw.ToString(), ct);
            await WriteEventAsync(response, "done", answer, json, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The status line is gone already: the failure is reported as an event the client can tell apart.
            LogStreamFailed(logger, ex, prepared.SessionId);
            await WriteEventAsync(response, "error", new
            {
                title = "The answer could not be completed.",
                trace_id = System.Diagnostics.Activity.Current?.TraceId.ToString(),
            }, json, CancellationToken.None);
        }
    }

    private static async Task WriteEventAsync<T>(HttpResponse response, string name, T data, JsonSerializerOptions json, CancellationToken ct)
    {
        var payload = JsonSerializer.Serialize(data, json);
        await response.WriteAsync($"event: {name}\ndata: {payload}\n\n", ct);
        await response.Body.FlushAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Streaming the answer of session {SessionId} failed")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception, Guid sessionId);
}
