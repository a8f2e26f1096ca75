using Microsoft.Extensions.AI;

namespace Platform.AI;

/// <summary>
/// Removes the <see cref="PromptProperties"/> keys (the prompt's raw variables, i.e. the whole document) before a call
/// leaves for a remote provider, whose SDK could otherwise send them along or trace them.
/// </summary>
internal sealed class PlatformPropertiesFilter(IChatClient innerClient) : DelegatingChatClient(innerClient)
{
    public override Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetResponseAsync(messages, Strip(options), cancellationToken);

    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        base.GetStreamingResponseAsync(messages, Strip(options), cancellationToken);

    internal static ChatOptions? Strip(ChatOptions? options)
    {
        if (options?.AdditionalProperties is not { Count: > 0 } properties
            || !properties.Keys.Any(k => k.StartsWith(PromptProperties.Prefix, StringComparison.Ordinal)))
        {
            return options;
        }

        var clone = options.Clone();
        var kept = new AdditionalPropertiesDictionary();
        foreach (var (key, value) in properties)
        {
            if (!key.StartsWith(PromptProperties.Prefix, StringComparison.Ordinal))
            {
                kept[key] = value;
            }
        }

        clone.AdditionalProperties = kept.Count > 0 ? kept : null;
        return clone;
    }
}
