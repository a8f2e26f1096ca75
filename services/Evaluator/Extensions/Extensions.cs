using Microsoft.Extensions.Options;
using Platform.AI;
using Platform.Contracts;
using Platform.Data;
using Platform.Documents;
using Platform.Documents.Export;
using Platform.Evaluator.Alignment;
using Platform.Evaluator.Apis;
using Platform.Evaluator.Consumers;
using Platform.Evaluator.Data;
using Platform.Evaluator.Evaluation;
using Platform.Evaluator.Model;
using Platform.Jobs;
using Platform.ServiceDefaults.Messaging;
using Platform.ServiceDefaults.Prompts;

namespace Platform.Evaluator.Extensions;

internal static class Extensions
{
    public const string Schema = "evaluator";

    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddPlatformData(Schema, typeof(Extensions).Assembly, JobsExtensions.MigrationsAssembly);
        Jsonb.Register<Passage[]>();
        Jsonb.Register<AnalysisPart>();
        Jsonb.Register<AlignmentTable>();
        Jsonb.Register<GuidelinesUsed>();
        Jsonb.Register<TokenTotals>();
        builder.AddJobs(jobs => jobs.AddJob<EvaluateProposal, EvaluationCompleted>(JobsApi.Kind));
        var runsConsumers = builder.GetJobsOptions().RunsConsumers;
        builder.AddMessaging(bus =>
        {
            if (runsConsumers)
            {
                bus.AddJobConsumer<EvaluateProposalConsumer>();
            }
        });
        builder.AddDocuments();
        builder.Services.AddDocumentExport();
        builder.AddAI();
        builder.AddPromptClient();

        builder.Services.AddOptions<EvaluationOptions>().BindConfiguration(EvaluationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<AlignmentOptions>().BindConfiguration(AlignmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<ITokenUsageSink, TokenUsageStore>();
        builder.Services.AddScoped<EvaluationRunner>();
    }

    /// <summary>The HTTP API, unless this process runs as a worker only (<c>--role worker</c>).</summary>
    public static WebApplication MapEvaluatorApis(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<JobsOptions>>().Value.RunsApi)
        {
            return app;
        }

        var maxUpload = app.Services.GetRequiredService<IOptions<DocumentOptions>>().Value.MaxBytes;
        app.MapEvaluationApi(maxUpload);
        app.MapJobsApi(maxUpload);
        app.MapSessionsApi();
        return app;
    }
}
