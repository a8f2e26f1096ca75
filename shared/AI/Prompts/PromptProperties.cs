namespace Platform.AI;

/// <summary>
/// Keys that <see cref="IPromptRunner"/> puts into <c>ChatOptions.AdditionalProperties</c>, so that a local engine
/// (<see cref="OfflineChatClient"/>) can work from the prompt's structure rather than parse its text. They are removed
/// before a request leaves for a remote provider.
/// </summary>
public static class PromptProperties
{
    /// <summary>The prefix every platform key shares.</summary>
    public const string Prefix = "platform.";

    /// <summary>The prompt key (a <see cref="string"/>).</summary>
    public const string PromptKey = "platform.prompt_key";

    /// <summary>The raw template variables (an <see cref="IReadOnlyDictionary{TKey, TValue}"/> of strings).</summary>
    public const string Variables = "platform.variables";

    /// <summary>For a chunked document, the stage: <c>map</c> for a chunk, <c>reduce</c> for the combining call.</summary>
    public const string Stage = "platform.stage";
}
