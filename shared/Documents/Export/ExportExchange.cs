namespace Platform.Documents.Export;

/// <summary>A follow-up question about the document and its answer.</summary>
/// <param name="Question">The question, plain text; line breaks become spaces.</param>
/// <param name="Answer">The answer, light Markdown as for <see cref="ExportSection.Body"/>.</param>
/// <param name="At">When the question was answered; shown in UTC.</param>
public sealed record ExportExchange(string Question, string Answer, DateTimeOffset At);
