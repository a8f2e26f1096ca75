namespace Platform.Contracts;

/// <summary>The prompt keys the services resolve from Admin (DESIGN.md, "Prompt keys").</summary>
public static class PromptKeys
{
    /// <summary>Analyzer sections P1..P5.</summary>
    public static readonly IReadOnlyList<string> AnalyzerSections = ["analyzer.p1", "analyzer.p2", "analyzer.p3", "analyzer.p4", "analyzer.p5"];

    /// <summary>Analyzer follow-up question.</summary>
    public const string AnalyzerFollowup = "analyzer.followup";

    /// <summary>Evaluator: proposal against the organisation's guidelines.</summary>
    public const string EvaluatorInternal = "evaluator.internal";

    /// <summary>Evaluator: proposal against the Terms of Reference.</summary>
    public const string EvaluatorExternal = "evaluator.external";

    /// <summary>Evaluator: gaps and contradictions between the two.</summary>
    public const string EvaluatorDelta = "evaluator.delta";

    /// <summary>Evaluator follow-up question.</summary>
    public const string EvaluatorFollowup = "evaluator.followup";

    /// <summary>Chatbot: standalone query from the conversation.</summary>
    public const string ChatbotRefine = "chatbot.refine";

    /// <summary>Chatbot: answer with citations.</summary>
    public const string ChatbotAnswer = "chatbot.answer";

    /// <summary>Every known key.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>(
        [.. AnalyzerSections, AnalyzerFollowup, EvaluatorInternal, EvaluatorExternal, EvaluatorDelta, EvaluatorFollowup, ChatbotRefine, ChatbotAnswer],
        StringComparer.Ordinal);
}
