using System.ComponentModel.DataAnnotations;

namespace Platform.Chatbot.Model;

/// <summary>The <c>Chat</c> section: limits and retrieval sizes of <c>POST /chat</c>.</summary>
public sealed class ChatbotOptions
{
    public const string Section = "Chat";

    /// <summary>Longest question accepted, in characters (longer is 400).</summary>
    [Range(1, 100_000)]
    public int MaxQuestionLength { get; set; } = 2_000;

    /// <summary>Earlier question/answer pairs of the session used to refine a follow-up.</summary>
    [Range(0, 50)]
    public int HistoryTurns { get; set; } = 3;

    /// <summary>Passages given to the answer (and cited).</summary>
    [Range(1, 50)]
    public int TopK { get; set; } = 5;

    /// <summary>Candidates taken from each of vector and BM25 search before they are fused.</summary>
    [Range(1, 500)]
    public int Candidates { get; set; } = 20;

    /// <summary>The language answers are written in unless the prompt says otherwise.</summary>
    [Required]
    public string Language { get; set; } = "English";

    /// <summary>Longest WhatsApp message part.</summary>
    [Range(200, 4_096)]
    public int WhatsAppPartLength { get; set; } = 4_096;
}

/// <summary>The <c>Ingestion</c> section: when an upload is ingested in the background.</summary>
public sealed class IngestionOptions
{
    public const string Section = "Ingestion";

    /// <summary>Documents with more chunks than this are ingested asynchronously over RabbitMQ (202); others at once (201).</summary>
    [Range(0, 10_000_000)]
    public int AsyncAboveChunks { get; set; } = 40;

    /// <summary>Chunks embedded per call to the embedding model.</summary>
    [Range(1, 2_048)]
    public int EmbeddingBatchSize { get; set; } = 32;
}
