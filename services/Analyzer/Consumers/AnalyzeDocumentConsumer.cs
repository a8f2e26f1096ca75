using Platform.Analyzer.Analysis;
using Platform.Analyzer.Apis;
using Platform.Analyzer.Data;
using Platform.Contracts;
using Platform.Jobs;

namespace Platform.Analyzer.Consumers;

/// <summary>Runs a queued analysis: the session's document through the requested prompts, reporting progress per prompt.</summary>
public sealed class AnalyzeDocumentConsumer(JobServices jobs, SessionStore sessions, AnalysisRunner runner, TimeProvider clock)
    : JobConsumer<AnalyzeDocument>(jobs)
{
    // The session is marked running and its document read with the claim itself (one round trip).
    protected override JobWrite ClaimWrite => SessionStore.StartWrite;

    protected override async Task<object> ExecuteAsync(JobContext<AnalyzeDocument> context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<AnalysisJobInput>();
        var sessionId = input.SessionId;
        var document = context.ClaimedValue
            ?? throw new InvalidOperationException("The job's session no longer exists (deleted while queued).");

        await context.ReportProgressAsync(0, input.Prompts.Count, cancellationToken);
        try
        {
            var (sections, provider, usage) = await runner.RunForJobAsync(context.OrgId, sessionId, document, input.Prompts,
                input.Language, (done, total) => context.ReportProgressAsync(done, total, cancellationToken), cancellationToken);
            // The session is completed with the job itself (same statement): no completed session without its job's
            // result. The token usage goes in the same statement, whether or not this completion is the first.
            var (sql, parameters) = SessionStore.CompletionWrite(sessionId, sections, provider, clock.GetUtcNow());
            context.WriteOnCompletion(sql, parameters);
            if (usage.Count > 0)
            {
                var (usageSql, usageParameters) = TokenUsageStore.InsertWrite(usage);
                context.RecordOnCompletion(usageSql, usageParameters);
            }

            // The sections are the session's: the job row keeps a reference (GET /jobs/{id} reads them from the session).
            context.StoreResultAs(new { session_id = sessionId });
            return new { session_id = sessionId, sections };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A retry that succeeds marks it completed again; the job's own status carries the final word.
            await sessions.MarkAsync(sessionId, "failed", "The analysis could not be completed.", clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }
}
