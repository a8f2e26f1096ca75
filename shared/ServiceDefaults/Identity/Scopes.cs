namespace Platform.ServiceDefaults.Identity;

/// <summary>API key scopes (DESIGN.md, "Paths and scopes").</summary>
public static class Scopes
{
    /// <summary>Manage every organisation.</summary>
    public const string Platform = "platform";

    /// <summary>Manage the key's own organisation.</summary>
    public const string Admin = "admin";

    /// <summary>Use the Analyzer.</summary>
    public const string Analyzer = "analyzer";

    /// <summary>Use the Chatbot.</summary>
    public const string Chatbot = "chatbot";

    /// <summary>Use the Evaluator.</summary>
    public const string Evaluator = "evaluator";

    /// <summary>Shift traffic weights at the gateway.</summary>
    public const string Ops = "ops";

    /// <summary>Calls between the fleet's own apps (never on an API key).</summary>
    public const string Internal = "internal";

    /// <summary>Scopes an API key may carry.</summary>
    public static readonly IReadOnlySet<string> ForKeys =
        new HashSet<string>(StringComparer.Ordinal) { Platform, Admin, Analyzer, Chatbot, Evaluator, Ops };
}
