using Platform.Chatbot.Ingestion;
using Platform.Chatbot.Model;
using Platform.Contracts;
using Platform.Documents;
using Platform.Jobs;

namespace Platform.Chatbot.Consumers;

/// <summary>Ingests a large upload in the background: the passages are in the job's input.</summary>
public sealed class IngestDocumentConsumer(JobServices jobs, Ingestor ingestor) : JobConsumer<IngestDocument>(jobs)
{
    protected override async Task<object> ExecuteAsync(JobContext<IngestDocument> context, CancellationToken cancellationToken)
    {
        var input = context.GetInput<IngestionJobInput>();
        var chunks = ingestor.Chunk(input.Title, [.. input.Passages.Select(p => new DocumentPassage(p.Text, p.Page, p.Paragraph))]);
        var ingested = await ingestor.IngestAsync(context.OrgId, input.DocumentId, chunks, cancellationToken);
        return new { document_id = input.DocumentId, chunk_count = ingested ? chunks.Count : 0, deleted = !ingested };
    }

    protected override string DescribeFailure(Exception exception) => "The document could not be indexed.";
}
