using Microsoft.Extensions.Options;
using Platform.AI;
using Platform.Analyzer.Analysis;
using Platform.Analyzer.Apis;
using Platform.Analyzer.Consumers;
using Platform.Analyzer.Data;
using Platform.Analyzer.Model;
using Platform.Contracts;
using Platform.Data;
using Platform.Documents;
using Platform.Documents.Export;
using Platform.Jobs;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.Prompts;

namespace Platform.Analyzer.Extensions;

internal static class Extensions
{
    public const string Schema = "analyzer";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformData(Schema, typeof(Extensions).Assembly, JobsExtensions.MigrationsAssembly);
        Jsonb.Register<Section[]>();
        Jsonb.Register<Passage[]>();
        Jsonb.Register<TokenTotals>();
        builder.AddJobs(jobs => jobs.AddJob<AnalyzeDocument, AnalysisCompleted>(JobsApi.Kind));
        var runsConsumers = builder.GetJobsOptions().RunsConsumers;
        builder.AddMessaging(bus =>
        {
            if (runsConsumers)
            {
                bus.AddJobConsumer<AnalyzeDocumentConsumer>();
            }
        });
        builder.AddDocuments();
        builder.Services.AddDocumentExport();
        builder.AddAI();
        builder.AddPromptClient();

        builder.Services.AddOptions<AnalysisOptions>().BindConfiguration(AnalysisOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<TokenUsageStore>();
        builder.Services.AddSingleton<ITokenUsageSink>(sp => sp.GetRequiredService<TokenUsageStore>());
        builder.Services.AddScoped<AnalysisRunner>();
    }

    /// <summary>The HTTP API, unless this process runs as a worker only (<c>--role worker</c>).</summary>
    public static WebApplication MapAnalyzerApis(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<JobsOptions>>().Value.RunsApi)
        {
            return app;
        }

        var maxUpload = app.Services.GetRequiredService<IOptions<DocumentOptions>>().Value.MaxBytes;
        app.MapAnalysisApi(maxUpload);
        app.MapJobsApi(maxUpload);
        app.MapSessionsApi();
        return app;
    }
}
