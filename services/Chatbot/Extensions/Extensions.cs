using Microsoft.Extensions.Options;
using Platform.AI;
using Platform.Chatbot.Apis;
using Platform.Chatbot.Chat;
using Platform.Chatbot.Consumers;
using Platform.Chatbot.Data;
using Platform.Chatbot.Ingestion;
using Platform.Chatbot.Model;
using Platform.Chatbot.Retrieval;
using Platform.Chatbot.Search;
using Platform.Contracts;
using Platform.Data;
using Platform.Documents;
using Platform.Documents.Chunking;
using Platform.Jobs;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.Prompts;

namespace Platform.Chatbot.Extensions;

internal static class Extensions
{
    public const string Schema = "chatbot";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformData(Schema, typeof(Extensions).Assembly, JobsExtensions.MigrationsAssembly);
        Jsonb.Register<MessageContext>();
        builder.AddJobs(jobs => jobs.AddJob<IngestDocument, DocumentIngested>(DocumentsApi.JobKind, Completed));
        var runsConsumers = builder.GetJobsOptions().RunsConsumers;
        builder.AddMessaging(bus =>
        {
            if (runsConsumers)
            {
                bus.AddJobConsumer<IngestDocumentConsumer>();
            }
        });
        builder.AddDocuments();
        builder.AddAI();
        builder.AddPromptClient();
        builder.AddVectorStore();

        var services = builder.Services;
        services.AddMemoryCache();
        services.AddOptions<ChatbotOptions>().BindConfiguration(ChatbotOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ChunkingOptions>().BindConfiguration(ChunkingOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.OverlapTokens <= o.MaxTokens / 2, "Chunking:OverlapTokens must be at most half of Chunking:MaxTokens.")
            .ValidateOnStart();
        services.AddSingleton<DocumentStore>();
        services.AddSingleton<ChatStore>();
        services.AddSingleton<Ingestor>();
        services.AddSingleton<KnowledgeSearch>();
        services.AddScoped<ChatService>();
    }

    /// <summary>The HTTP API, unless this process runs as a worker only (<c>--role worker</c>).</summary>
    public static WebApplication MapChatbotApis(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<JobsOptions>>().Value.RunsApi)
        {
            return app;
        }

        var maxUpload = app.Services.GetRequiredService<IOptions<DocumentOptions>>().Value.MaxBytes;
        app.MapDocumentsApi(maxUpload);
        app.MapChatApi();
        app.MapSessionsApi();
        return app;
    }

    private static DocumentIngested Completed(JobOutcome outcome) => new()
    {
        JobId = outcome.JobId,
        OrgId = outcome.OrgId,
        DocumentId = outcome.Result is { ValueKind: System.Text.Json.JsonValueKind.Object } result
            && result.TryGetProperty("document_id", out var id) && id.TryGetGuid(out var documentId) ? documentId : null,
        Status = outcome.Status,
        Error = outcome.Error,
        CompletedAt = outcome.CompletedAt,
    };
}
