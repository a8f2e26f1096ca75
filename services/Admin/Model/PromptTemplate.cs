using System.Text.RegularExpressions;

namespace Platform.Admin.Model;

/// <summary>
/// Prompt templates use named placeholders such as <c>{document}</c> and <c>{question}</c>; <c>{{</c> and <c>}}</c>
/// stand for literal braces. Anything else in braces is an error, caught when the template is saved.
/// </summary>
public static partial class PromptTemplate
{
    public const int MaxLength = 20_000;

    public static IReadOnlyList<string> Placeholders(string template) =>
        [.. Placeholder().Matches(template.Replace("{{", string.Empty, StringComparison.Ordinal))
            .Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>Why the template is malformed, or null when it is well-formed.</summary>
    public static string? Problem(string template)
    {
        var rest = Placeholder().Replace(template.Replace("{{", string.Empty, StringComparison.Ordinal).Replace("}}", string.Empty, StringComparison.Ordinal), string.Empty);
        var stray = rest.IndexOfAny(['{', '}']);
        if (stray < 0)
        {
            return null;
        }

        return "The template has a stray brace: placeholders look like {name} (lower-case letters, digits, underscores); write {{ or }} for a literal brace.";
    }

    [GeneratedRegex(@"\{([a-z_][a-z0-9_]*)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
