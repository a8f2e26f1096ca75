using System.Net;
using System.Text.RegularExpressions;
using Platform.IntegrationTests.Admin;
using Platform.Testing;

namespace Platform.IntegrationTests.Chatbot;

[Parallelizable(ParallelScope.All)]
public sealed partial class ChatApiTests
{
    private static Project Aurora => KnowledgeBase.Projects[0];

    private static Project Borealis => KnowledgeBase.Projects[1];

    private static async Task<(ChatbotClient Client, Guid Aurora, Guid Borealis)> TwoProjectsAsync()
    {
        var client = await ChatbotClient.CreateAsync();
        var aurora = await client.UploadReadyAsync(Aurora.Document(), Aurora.FileName, Aurora.Title);
        var borealis = await client.UploadReadyAsync(Borealis.Document(), Borealis.FileName, Borealis.Title);
        return (client, aurora, borealis);
    }

    [Test]
    public async Task FollowUp_IsRefinedWithTheEarlierTurn_AndAnsweredFromTheRightDocument()
    {
        var (client, aurora, _) = await TwoProjectsAsync();
        var first = await client.AskAsync("What is the total budget of Project Aurora?");
        var session = (Guid)first["session_id"]!;
        Assert.That((string?)first["refined_query"], Is.EqualTo("What is the total budget of Project Aurora?"), "a first question is already standalone");

        var followUp = await client.AskAsync("and when does it start?", session);

        Assert.That((Guid)followUp["session_id"]!, Is.EqualTo(session));
        Assert.That((string?)followUp["refined_query"], Does.Contain("Aurora"), "the refined query names the project of the earlier turn");
        Assert.That((string?)followUp["answer"], Does.Contain(Aurora.Start));
        Assert.That((string?)followUp["answer"], Does.Not.Contain(Borealis.Start));
        var cited = followUp["citations"]!.AsArray();
        Assert.That(cited, Is.Not.Empty);
        Assert.That(cited.Select(c => (Guid)c!["document_id"]!), Has.All.EqualTo(aurora), "citations point at the Aurora document");
        Assert.That(cited.Select(c => (string?)c!["title"]), Has.All.EqualTo(Aurora.Title));
        foreach (var citation in cited)
        {
            Assert.That((string?)followUp["answer"], Does.Contain($"[{(int)citation!["number"]!}] {Aurora.Title}"));
        }

        // Without the history the same words find nothing about Aurora in particular.
        var fresh = await client.AskAsync("and when does it start?");
        Assert.That((string?)fresh["refined_query"], Is.EqualTo("and when does it start?"));
    }

    [Test]
    public async Task Session_KeepsMessagesWithRefinedQueryAndContext_FeedbackAndDelete()
    {
        var (client, aurora, _) = await TwoProjectsAsync();
        var first = await client.AskAsync("What is the total budget of Project Aurora?", userId: "amina");
        var session = (Guid)first["session_id"]!;
        var second = await client.AskAsync("and its partners?", session, userId: "amina");

        using var list = await client.SendAsync(HttpMethod.Get, "sessions?user_id=amina");
        var items = (await AdminClient.OkJsonAsync(list))["items"]!.AsArray();
        Assert.That(items.Select(i => (Guid)i!["id"]!), Is.EqualTo(new[] { session }));
        Assert.That((string?)items[0]!["title"], Is.EqualTo("What is the total budget of Project Aurora?"));
        using var other = await client.SendAsync(HttpMethod.Get, "sessions?user_id=someone-else");
        Assert.That((await AdminClient.OkJsonAsync(other))["items"]!.AsArray(), Is.Empty);

        using var get = await client.SendAsync(HttpMethod.Get, $"sessions/{session}");
        var messages = (await AdminClient.OkJsonAsync(get))["messages"]!.AsArray();
        Assert.That(messages.Select(m => (string?)m!["role"]), Is.EqualTo(new[] { "user", "assistant", "user", "assistant" }));
        Assert.That((string?)messages[2]!["content"], Is.EqualTo("and its partners?"));
        Assert.That((string?)messages[2]!["refined_query"], Does.Contain("partners").And.Contain("Aurora"));
        Assert.That((Guid)messages[3]!["id"]!, Is.EqualTo((Guid)second["message_id"]!));
        Assert.That(messages[3]!["citations"]!.AsArray().Select(c => (Guid)c!["document_id"]!), Has.All.EqualTo(aurora).And.Not.Empty);
        var storedSources = messages[3]!["sources"]!.AsArray();
        Assert.That(storedSources.Select(s => (int)s!["source"]!["number"]!),
            Is.EquivalentTo(messages[3]!["citations"]!.AsArray().Select(c => (int)c!["number"]!)), "the cited passages come back with the answer");
        Assert.That(storedSources.Select(s => (string?)s!["text"]), Has.All.Not.Empty);
        Assert.That(messages[2]!["sources"]!.AsArray(), Is.Empty, "a question cites nothing");
        var storedContext = await OrganizationsApiTests.CountAsync(
            "SELECT jsonb_array_length(context->'retrieved')::bigint FROM chatbot.messages WHERE id = @id", ("id", (Guid)second["message_id"]!));
        Assert.That(storedContext, Is.EqualTo(second["sources"]!.AsArray().Count).And.GreaterThan(0), "the retrieved context is stored");

        using var feedback = await client.SendAsync(HttpMethod.Post, "feedback", Json.Body(new { message_id = (Guid)second["message_id"]!, rating = 5, comment = "spot on" }));
        var record = await AdminClient.OkJsonAsync(feedback, HttpStatusCode.Created);
        Assert.That((int)record["rating"]!, Is.EqualTo(5));
        Assert.That(await OrganizationsApiTests.CountAsync("SELECT count(*) FROM chatbot.feedback WHERE message_id = @id AND org_id = @org",
            ("id", (Guid)second["message_id"]!), ("org", client.Key.OrgId)), Is.EqualTo(1));
        using var onQuestion = await client.SendAsync(HttpMethod.Post, "feedback", Json.Body(new { message_id = (Guid)second["question_id"]!, rating = 2 }));
        await ProblemAssert.IsProblemAsync(onQuestion, HttpStatusCode.BadRequest);
        using var badRating = await client.SendAsync(HttpMethod.Post, "feedback", Json.Body(new { message_id = (Guid)second["message_id"]!, rating = 9 }));
        await ProblemAssert.IsProblemAsync(badRating, HttpStatusCode.BadRequest);
        using var unknown = await client.SendAsync(HttpMethod.Post, "feedback", Json.Body(new { message_id = Guid.NewGuid(), rating = 3 }));
        await ProblemAssert.IsProblemAsync(unknown, HttpStatusCode.NotFound);

        using var deleted = await client.SendAsync(HttpMethod.Delete, $"sessions/{session}");
        Assert.That(deleted.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        using var gone = await client.SendAsync(HttpMethod.Get, $"sessions/{session}");
        await ProblemAssert.IsProblemAsync(gone, HttpStatusCode.NotFound);
        using var continued = await client.SendAsync(HttpMethod.Post, "chat", Json.Body(new { user_id = "amina", question = "and the risks?", session_id = session }));
        await ProblemAssert.IsProblemAsync(continued, HttpStatusCode.NotFound);
    }

    [Test]
    public async Task WhatsAppFormat_HasNoMarkdown_AndPartsOfAtMost4096Characters()
    {
        var (client, _, _) = await TwoProjectsAsync();

        var answer = await client.AskAsync("Who are the partners of Project Borealis and what is its main risk?", format: "whatsapp");

        var text = (string)answer["answer"]!;
        TestContext.Out.WriteLine(text);
        Assert.That((string?)answer["format"], Is.EqualTo("whatsapp"));
        Assert.That(text, Does.Contain(Borealis.Partners));
        AssertNoMarkdown(text);
        Assert.That(text, Does.Contain("*Question:*"), "bold is WhatsApp's single asterisk");
        var parts = answer["parts"]!.AsArray().Select(p => (string)p!).ToList();
        Assert.That(parts, Is.Not.Empty);
        Assert.That(parts, Has.All.Length.LessThanOrEqualTo(4096));
        Assert.That(string.Join("\n\n", parts), Is.EqualTo(text));
        foreach (var part in parts)
        {
            AssertNoMarkdown(part);
        }

        var markdown = await client.AskAsync("Who are the partners of Project Borealis and what is its main risk?");
        Assert.That((string?)markdown["answer"], Does.Contain("**Question:**"), "markdown is the default");
    }

    [Test]
    public async Task Stream_SendsTheAnswerAsItIsProduced_ThenAFinalEventWithCitationsAndIds()
    {
        var (client, aurora, _) = await TwoProjectsAsync();

        foreach (var format in new[] { "markdown", "whatsapp" })
        {
            using var response = await client.SendAsync(HttpMethod.Post, "chat",
                Json.Body(new { user_id = "streamer", question = "When does Project Aurora start?", format, stream = true }));

            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
            var events = ChatbotClient.ParseEvents(await response.Content.ReadAsStringAsync());
            Assert.That(events.Count(e => e.Name == "delta"), Is.GreaterThan(1), "the answer arrives in pieces");
            Assert.That(events.Take(events.Count - 1).Select(e => e.Name), Has.All.EqualTo("delta"));
            var done = events[^1];
            Assert.That(done.Name, Is.EqualTo("done"), "the stream ends with the final event");
            var streamed = string.Concat(events.Where(e => e.Name == "delta").Select(e => (string)e.Data["text"]!));
            Assert.That(streamed.Trim(), Is.EqualTo(((string)done.Data["answer"]!).Trim()), format);
            Assert.That(streamed, Does.Contain(Aurora.Start));
            Assert.That(done.Data["citations"]!.AsArray().Select(c => (Guid)c!["document_id"]!), Has.Member(aurora));
            Assert.That((Guid?)done.Data["message_id"], Is.Not.Null);
            Assert.That((Guid?)done.Data["session_id"], Is.Not.Null);

            using var stored = await client.SendAsync(HttpMethod.Get, $"sessions/{(Guid)done.Data["session_id"]!}");
            var messages = (await AdminClient.OkJsonAsync(stored))["messages"]!.AsArray();
            Assert.That((Guid)messages[^1]!["id"]!, Is.EqualTo((Guid)done.Data["message_id"]!), "the streamed answer is stored");
            if (format == "whatsapp")
            {
                AssertNoMarkdown(streamed);
            }
        }
    }

    [Test]
    public async Task TenantIsolation_AnotherOrganisationNeverRetrievesOrSeesOurs()
    {
        var (owner, aurora, borealis) = await TwoProjectsAsync();
        var stranger = await ChatbotClient.CreateAsync();
        var ownAnswer = await owner.AskAsync("What is the total budget of Project Aurora?");

        var empty = await stranger.AskAsync("What is the total budget of Project Aurora?");
        Assert.That(empty["sources"]!.AsArray(), Is.Empty, "an organisation without documents finds nothing");
        Assert.That((string?)empty["answer"], Does.Not.Contain(Aurora.Budget));

        var theirs = await stranger.UploadReadyAsync(KnowledgeBase.Projects[2].Document(), KnowledgeBase.Projects[2].FileName);
        var answer = await stranger.AskAsync("What is the total budget of Project Aurora?");
        Assert.That(ChatbotClient.SourceDocuments(answer), Has.All.EqualTo(theirs));
        Assert.That(ChatbotClient.SourceDocuments(answer), Has.None.EqualTo(aurora).And.None.EqualTo(borealis));
        Assert.That((string?)answer["answer"], Does.Not.Contain(Aurora.Budget));

        var session = (Guid)ownAnswer["session_id"]!;
        foreach (var (method, path, content) in new (HttpMethod, string, HttpContent?)[]
        {
            (HttpMethod.Get, $"documents/{aurora}", null),
            (HttpMethod.Delete, $"documents/{aurora}", null),
            (HttpMethod.Get, $"sessions/{session}", null),
            (HttpMethod.Delete, $"sessions/{session}", null),
            (HttpMethod.Post, "chat", Json.Body(new { user_id = "user-1", question = "and its budget?", session_id = session })),
            (HttpMethod.Post, "feedback", Json.Body(new { message_id = (Guid)ownAnswer["message_id"]!, rating = 1 })),
        })
        {
            using var response = await stranger.SendAsync(method, path, content);
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound);
        }

        using var documents = await stranger.SendAsync(HttpMethod.Get, "documents");
        Assert.That((await AdminClient.OkJsonAsync(documents))["items"]!.AsArray().Select(i => (Guid)i!["id"]!), Is.EqualTo(new[] { theirs }));
        using var sessions = await stranger.SendAsync(HttpMethod.Get, "sessions?user_id=user-1");
        Assert.That((await AdminClient.OkJsonAsync(sessions))["items"]!.AsArray().Select(i => (Guid)i!["id"]!), Has.None.EqualTo(session));
        using var still = await owner.SendAsync(HttpMethod.Get, $"documents/{aurora}");
        Assert.That(still.StatusCode, Is.EqualTo(HttpStatusCode.OK), "nothing the stranger did touched the owner's data");
    }

    [Test]
    public async Task BadInput_IsAClear4xx()
    {
        var client = await ChatbotClient.CreateAsync();

        foreach (var body in new object[]
        {
            new { user_id = "u", question = "" },
            new { user_id = "u", question = "   " },
            new { user_id = "u", question = new string('q', 2_001) },
            new { user_id = "", question = "What is the budget?" },
            new { user_id = "u", question = "What is the budget?", format = "html" },
        })
        {
            using var response = await client.SendAsync(HttpMethod.Post, "chat", Json.Body(body));
            await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest);
        }

        using var malformed = await client.SendAsync(HttpMethod.Post, "chat", Json.Raw("{\"user_id\": \"u\", \"question\": "));
        await ProblemAssert.IsProblemAsync(malformed, HttpStatusCode.BadRequest);
        using var badSession = await client.SendAsync(HttpMethod.Post, "chat", Json.Raw("{\"user_id\": \"u\", \"question\": \"q\", \"session_id\": \"nope\"}"));
        await ProblemAssert.IsProblemAsync(badSession, HttpStatusCode.BadRequest);
        using var unknownSession = await client.SendAsync(HttpMethod.Post, "chat", Json.Body(new { user_id = "u", question = "q?", session_id = Guid.NewGuid() }));
        await ProblemAssert.IsProblemAsync(unknownSession, HttpStatusCode.NotFound);
        using var unknownGet = await client.SendAsync(HttpMethod.Get, $"sessions/{Guid.NewGuid()}");
        await ProblemAssert.IsProblemAsync(unknownGet, HttpStatusCode.NotFound);
        using var notJson = await client.SendAsync(HttpMethod.Post, "chat", new StringContent("question=q", System.Text.Encoding.UTF8, "text/plain"));
        await ProblemAssert.IsProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType);

        using var sessions = await client.SendAsync(HttpMethod.Get, "sessions");
        Assert.That((await AdminClient.OkJsonAsync(sessions))["items"]!.AsArray(), Is.Empty, "refused questions start no session");
    }

    internal static void AssertNoMarkdown(string text)
    {
        Assert.That(Heading().IsMatch(text), Is.False, "no headings");
        Assert.That(Link().IsMatch(text), Is.False, "no [text](url) links");
        Assert.That(Table().IsMatch(text), Is.False, "no tables");
        Assert.That(text, Does.Not.Contain("**").And.Not.Contain("__").And.Not.Contain("~~"));
        Assert.That(OtherBullet().IsMatch(text), Is.False, "lists only with '- '");
    }

    [GeneratedRegex(@"(?m)^\s*#{1,6}\s")]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[[^\]]+\]\([^)]+\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"(?m)^\s*\|.*\|\s*$")]
    private static partial Regex Table();

    [GeneratedRegex(@"(?m)^\s*[*+]\s")]
    private static partial Regex OtherBullet();
}
