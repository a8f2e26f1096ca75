using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using Platform.AI;
using Platform.Chatbot.Data;
using Platform.Chatbot.Model;
using Platform.Chatbot.Search;
using Platform.Contracts;
using Platform.Data;
using Platform.ServiceDefaults.Prompts;

namespace Platform.Chatbot.Chat;

/// <summary>A question made ready to answer: its session, the standalone query and the passages found for it.</summary>
public sealed record PreparedChat(
    Guid OrgId, Guid SessionId, bool NewSession, string UserId, string Question, string RefinedQuery, string Format,
    IReadOnlyList<RetrievedPassage> Passages, string History, DateTimeOffset AskedAt);

/// <summary>
/// One turn of <c>POST /chat</c>: refine the question with the last turns of the session (<c>chatbot.refine</c>),
/// retrieve passages (hybrid search), answer citing them as [n] (<c>chatbot.answer</c>), store both messages with the
/// refined query and the retrieved context.
/// </summary>
public sealed partial class ChatService(
    ChatStore store,
    KnowledgeSearch search,
    PromptClient prompts,
    IPromptRunner runner,
    IChatClient chatClient,
    IOptions<ChatbotOptions> options,
    TimeProvider clock)
{
    private const int HistoryAnswerChars = 600;

    /// <summary>Null when the session is not one of the organisation's.</summary>
    public async Task<PreparedChat?> PrepareAsync(Guid orgId, string userId, string question, Guid? sessionId, string format, CancellationToken ct)
    {
        var settings = options.Value;
        var askedAt = clock.GetUtcNow();
        IReadOnlyList<Turn> turns = [];
        if (sessionId is { } existing)
        {
            if (!await store.SessionExistsAsync(orgId, existing, ct))
            {
                return null;
            }

            turns = await store.RecentTurnsAsync(existing, settings.HistoryTurns * 2, ct);
        }

        var id = sessionId ?? Guid.CreateVersion7(askedAt);
        var history = History(turns);
        var refined = turns.Count == 0 ? question : await RefineAsync(orgId, id, question, history, ct);
        var hits = await search.SearchAsync(orgId, refined, settings.TopK, settings.Candidates, ct);
        var passages = hits.Select((h, i) => new RetrievedPassage(
            new Citation(i + 1, h.Chunk.DocumentId, h.Chunk.Title, h.Chunk.FileName, h.Chunk.Page, h.Chunk.Paragraph, h.Chunk.N,
                Math.Round(h.Score, 6), h.VectorRank, h.KeywordRank),
            h.Chunk.Text)).ToList();
        return new PreparedChat(orgId, id, sessionId is null, userId, question, refined, format, passages, history, askedAt);
    }

    /// <summary>The whole answer at once.</summary>
    public async Task<ChatAnswer> AnswerAsync(PreparedChat chat, CancellationToken ct)
    {
        var (prompt, variables) = await AnswerPromptAsync(chat, ct);
        var result = await runner.RunAsync(new PromptRequest(
            PromptKeys.ChatbotAnswer, prompt.Template, prompt.Parameters.Temperature, prompt.Parameters.MaxTokens, variables,
            chat.OrgId, chat.SessionId), ct);
        return await CompleteAsync(chat, result.Text, ct);
    }

    /// <summary>The answer as the model produces it (raw Markdown); finish with <see cref="CompleteAsync"/>.</summary>
    public async IAsyncEnumerable<string> StreamAsync(PreparedChat chat, [EnumeratorCancellation] CancellationToken ct)
    {
        var (prompt, variables) = await AnswerPromptAsync(chat, ct);
        var chatOptions = new ChatOptions
        {
            Temperature = prompt.Parameters.Temperature is { } t ? (float)t : null,
            MaxOutputTokens = prompt.Parameters.MaxTokens,
            AdditionalProperties = new AdditionalPropertiesDictionary
            {
                [PromptProperties.PromptKey] = PromptKeys.ChatbotAnswer,
                [PromptProperties.Variables] = variables,
            },
        };
        var message = new ChatMessage(ChatRole.User, PromptTemplate.Render(prompt.Template, variables));
        await foreach (var update in chatClient.GetStreamingResponseAsync([message], chatOptions, ct))
        {
            if (!string.IsNullOrEmpty(update.Text))
            {
                yield return update.Text;
            }
        }
    }

    /// <summary>Formats the answer, works out what it cites, and stores the question and the answer.</summary>
    public async Task<ChatAnswer> CompleteAsync(PreparedChat chat, string rawAnswer, CancellationToken ct)
    {
        var answer = AnswerFormatter.Convert(rawAnswer, chat.Format);
        var parts = chat.Format == AnswerFormats.WhatsApp ? AnswerFormatter.Split(answer, options.Value.WhatsAppPartLength) : [answer];
        var cited = CitationMarker().Matches(rawAnswer)
            .Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture))
            .Where(n => n >= 1 && n <= chat.Passages.Count)
            .Distinct().Order().ToList();
        var answeredAt = clock.GetUtcNow();
        var questionId = Guid.CreateVersion7(chat.AskedAt);
        var answerId = Guid.CreateVersion7(answeredAt);
        if (chat.NewSession)
        {
            await store.CreateSessionAsync(chat.OrgId, chat.SessionId, chat.UserId, Title(chat.Question), chat.AskedAt, ct);
        }

        await store.AddExchangeAsync(chat.SessionId, questionId, chat.Question, answerId, answer, chat.RefinedQuery,
            new MessageContext(chat.RefinedQuery, chat.Passages, cited, chat.Format), chat.AskedAt, answeredAt, ct);
        var citations = chat.Passages.Where(p => cited.Contains(p.Source.Number)).Select(p => p.Source).ToList();
        return new ChatAnswer(chat.SessionId, questionId, answerId, chat.Question, chat.RefinedQuery, chat.Format, answer, parts, citations, chat.Passages, answeredAt);
    }

    private async Task<string> RefineAsync(Guid orgId, Guid sessionId, string question, string history, CancellationToken ct)
    {
        var prompt = await prompts.ResolveAsync(orgId, PromptKeys.ChatbotRefine, ct)
            ?? throw new InvalidOperationException("No prompt is configured for chatbot.refine.");
        var result = await runner.RunAsync(new PromptRequest(
            PromptKeys.ChatbotRefine, prompt.Template, prompt.Parameters.Temperature, prompt.Parameters.MaxTokens,
            new Dictionary<string, string>(StringComparer.Ordinal) { ["history"] = history, ["question"] = question },
            orgId, sessionId), ct);
        // A model may wrap the query in quotes or add a second line; the first non-empty line is the query.
        var refined = result.Text.Split('\n').Select(l => l.Trim().Trim('"', '\u201C', '\u201D')).FirstOrDefault(l => l.Length > 0);
        return refined is null || refined.Length > options.Value.MaxQuestionLength * 2 ? question : refined;
    }

    private async Task<(ResolvedPrompt Prompt, Dictionary<string, string> Variables)> AnswerPromptAsync(PreparedChat chat, CancellationToken ct)
    {
        var prompt = await prompts.ResolveAsync(chat.OrgId, PromptKeys.ChatbotAnswer, ct)
            ?? throw new InvalidOperationException("No prompt is configured for chatbot.answer.");
        var context = new StringBuilder();
        foreach (var passage in chat.Passages)
        {
            context.Append('[').Append(passage.Source.Number.ToString(CultureInfo.InvariantCulture)).Append("] ")
                .Append(passage.Source.Title);
            if (passage.Source.Page is { } page)
            {
                context.Append(", page ").Append(page.ToString(CultureInfo.InvariantCulture));
            }

            context.AppendLine(":").AppendLine(passage.Text).AppendLine();
        }

        var sources = chat.Passages.Select(p => new
        {
            number = p.Source.Number,
            title = p.Source.Title,
            page = p.Source.Page,
            paragraph = p.Source.Paragraph,
            text = p.Text,
        });
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["context"] = context.Length == 0 ? "(no passages found)" : context.ToString().TrimEnd(),
            ["sources"] = JsonSerializer.Serialize(sources, Jsonb.Options),
            ["history"] = chat.History,
            ["question"] = chat.RefinedQuery,
            ["language"] = options.Value.Language,
        };
        return (prompt, variables);
    }

    private static string History(IReadOnlyList<Turn> turns) =>
        string.Join("\n", turns.Select(t => t.Role == "user"
            ? "User: " + OneLine(t.RefinedQuery ?? t.Content)
            : "Assistant: " + OneLine(t.Content.Length > HistoryAnswerChars ? t.Content[..HistoryAnswerChars] + "\u2026" : t.Content)));

    private static string OneLine(string text) => Whitespace().Replace(text, " ").Trim();

    private static string Title(string question) => question.Length <= 120 ? question : question[..119] + "\u2026";

    [GeneratedRegex(@"\[(\d{1,3})\]")]
    private static partial Regex CitationMarker();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
