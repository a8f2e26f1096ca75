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
    protected override async Task<object> ExecuteAsync(JobContext<AnalyzeDocument> context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<AnalysisJobInput>();
        var session = await sessions.GetDocumentAsync(context.OrgId, input.SessionId, cancellationToken)
            ?? throw new InvalidOperationException("The job's session no longer exists (deleted while queued).");

        await sessions.MarkAsync(session.Id, "running", null, clock.GetUtcNow(), cancellationToken);
        await context.ReportProgressAsync(0, input.Prompts.Count, cancellationToken);
        try
        {
            var (sections, provider) = await runner.RunAsync(context.OrgId, session.Id, session.DocumentText, input.Prompts, input.Language,
                (done, total) => context.ReportProgressAsync(done, total, cancellationToken), cancellationToken);
            await sessions.CompleteAsync(session.Id, sections, provider, clock.GetUtcNow(), cancellationToken);
            return new { session_id = session.Id, sections };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A retry that succeeds marks it completed again; the job's own status carries the final word.
            await sessions.MarkAsync(session.Id, "failed", "The analysis could not be completed.", clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }
}
