using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Platform.Chatbot.Data;
using Platform.Chatbot.Model;
using Platform.ServiceDefaults.Http;
using Platform.ServiceDefaults.Identity;

namespace Platform.Chatbot.Apis;

/// <summary>Conversations: list (per user), read with their messages, delete; feedback on answers.</summary>
public static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/chatbot").WithTags("Sessions").RequireScope(Scopes.Chatbot);
        api.MapGet("/sessions", ListSessionsAsync).WithName("ListChatSessions").WithSummary("Newest first; filter by user_id; keyset-paginated.");
        api.MapGet("/sessions/{id:guid}", GetSessionAsync).WithName("GetChatSession").WithSummary("The session and its messages, with citations.");
        api.MapDelete("/sessions/{id:guid}", DeleteSessionAsync).WithName("DeleteChatSession");
        api.MapPost("/feedback", GiveFeedbackAsync).WithName("GiveChatFeedback").WithSummary("JSON: message_id (an answer), rating 1..5, comment.");
        return api;
    }

    public static async Task<Results<Ok<Page<SessionSummary>>, ValidationProblem>> ListSessionsAsync(
        CallerIdentity caller, ChatStore store, [FromQuery(Name = "user_id")] string? userId, int? limit, string? cursor, CancellationToken ct)
    {
        var validation = Cursor.ValidateSessionList(userId, limit, cursor, out var user, out var pageSize, out var after);
        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        return TypedResults.Ok(await store.ListSessionsAsync(caller.OrgId, user, pageSize, after, ct));
    }

    public static async Task<Results<Ok<Session>, NotFound>> GetSessionAsync(Guid id, CallerIdentity caller, ChatStore store, CancellationToken ct) =>
        await store.GetSessionAsync(caller.OrgId, id, ct) is { } session ? TypedResults.Ok(session) : TypedResults.NotFound();

    public static async Task<Results<NoContent, NotFound>> DeleteSessionAsync(Guid id, CallerIdentity caller, ChatStore store, CancellationToken ct) =>
        await store.DeleteSessionAsync(caller.OrgId, id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Results<Created<FeedbackRecord>, NotFound, ValidationProblem>> GiveFeedbackAsync(
        FeedbackRequest request, CallerIdentity caller, ChatStore store, TimeProvider clock, CancellationToken ct)
    {
        var validation = new Validation().Feedback(request.Rating, request.Comment);
        if (request.MessageId is null)
        {
            validation.Add("message_id", "The message_id field is required.");
        }

        if (!validation.IsValid)
        {
            return TypedResults.ValidationProblem(validation.Errors);
        }

        var role = await store.MessageRoleAsync(caller.OrgId, request.MessageId!.Value, ct);
        if (role is null)
        {
            return TypedResults.NotFound();
        }

        if (role != "assistant")
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["message_id"] = ["Feedback is given on an answer: send the message_id of an assistant message."],
            });
        }

        var record = await store.AddFeedbackAsync(caller.OrgId, request.MessageId.Value, request.Rating!.Value,
            string.IsNullOrWhiteSpace(request.Comment) ? null : request.Comment.Trim(), clock.GetUtcNow(), ct);
        return TypedResults.Created($"/api/v1/chatbot/sessions", record);
    }
}
