using System.Globalization;

namespace Platform.IntegrationTests.Chatbot;

public sealed class RetrievalQualityTests
{
    [Test]
    public async Task RecallAt5_OfLabelledQuestions_IsAtLeast90Percent()
    {
        var client = await ChatbotClient.CreateAsync();
        var documents = new Dictionary<Project, Guid>();
        foreach (var project in KnowledgeBase.Projects)
        {
            documents[project] = await client.UploadReadyAsync(project.Document(), project.FileName, project.Title);
        }

        var questions = KnowledgeBase.Questions;
        Assert.That(questions, Has.Count.GreaterThanOrEqualTo(30));
        var found = 0;
        foreach (var question in questions)
        {
            var answer = await client.AskAsync(question.Question, userId: "quality");
            var sources = answer["sources"]!.AsArray();
            Assert.That(sources, Has.Count.LessThanOrEqualTo(5));
            // A hit: one of the top five passages is from the labelled document and holds the fact.
            var hit = sources.Any(s => (Guid)s!["source"]!["document_id"]! == documents[question.Project]
                && ((string)s["text"]!).Contains(question.Fact, StringComparison.Ordinal));
            if (hit)
            {
                found++;
            }
            else
            {
                TestContext.Out.WriteLine($"missed: {question.Question} (wanted \"{question.Fact}\")");
            }
        }

        var recall = (double)found / questions.Count;
        TestContext.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Retrieval recall@5 (offline all-MiniLM + BM25, reciprocal rank fusion): {recall:0.000} ({found}/{questions.Count} questions)"));
        Assert.That(recall, Is.GreaterThanOrEqualTo(0.9));
    }
}
