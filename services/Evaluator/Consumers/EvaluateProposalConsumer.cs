using Platform.Contracts;
using Platform.Evaluator.Apis;
using Platform.Evaluator.Data;
using Platform.Evaluator.Evaluation;
using Platform.Jobs;

namespace Platform.Evaluator.Consumers;

/// <summary>Runs a queued evaluation: the session's proposal against its ToR, reporting progress per analysis.</summary>
public sealed class EvaluateProposalConsumer(JobServices jobs, SessionStore sessions, EvaluationRunner runner, TimeProvider clock)
    : JobConsumer<EvaluateProposal>(jobs)
{
    protected override async Task<object> ExecuteAsync(JobContext<EvaluateProposal> context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<EvaluationJobInput>();
        var session = await sessions.StartAsync(context.OrgId, input.SessionId, clock.GetUtcNow(), cancellationToken)
            ?? throw new InvalidOperationException("The job's session no longer exists (deleted while queued).");

        await context.ReportProgressAsync(0, EvaluationRunner.Steps, cancellationToken);
        try
        {
            var result = await runner.RunAsync(context.OrgId, session.Id, session.ProposalText, session.ProposalPassages, session.TorText,
                input.Language, input.GuidelineIds ?? [], (done, total) => context.ReportProgressAsync(done, total, cancellationToken), cancellationToken);
            // The session is completed with the job itself (same statement): no completed session without its job's result.
            var (sql, parameters) = SessionStore.CompletionWrite(session.Id, result, clock.GetUtcNow());
            context.WriteOnCompletion(sql, parameters);
            // The analyses are the session's: the job row keeps a reference (GET /jobs/{id} reads them from the
            // session); the completion event and the webhook carry the whole result.
            context.StoreResultAs(new { session_id = session.Id });
            return new
            {
                session_id = session.Id,
                internal_analysis = result.Internal,
                external_analysis = result.External,
                delta_analysis = result.Delta,
                alignment = result.Alignment,
                guidelines = result.Guidelines,
            };
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A retry that succeeds marks it completed again; the job's own status carries the final word.
            await sessions.MarkAsync(session.Id, "failed", "The evaluation could not be completed.", clock.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }
}
