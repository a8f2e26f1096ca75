using System.Text;

namespace Platform.AI;

/// <summary>Fills <c>{name}</c> placeholders; <c>{{</c> and <c>}}</c> stand for literal braces.</summary>
public static class PromptTemplate
{
    /// <summary>
    /// Renders <paramref name="template"/>: each <c>{name}</c> (letters, digits, <c>_</c>, <c>.</c>, <c>-</c>) is replaced by
    /// its variable, or by nothing when there is none; <c>{{</c> and <c>}}</c> become <c>{</c> and <c>}</c>; any other
    /// brace is kept as it is (JSON examples in a prompt survive).
    /// </summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> variables)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(variables);
        var sb = new StringBuilder(template.Length + variables.Values.Sum(v => v?.Length ?? 0));
        var i = 0;
        while (i < template.Length)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                sb.Append('{');
                i += 2;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                sb.Append('}');
                i += 2;
            }
            else if (c == '{' && TryReadName(template, i + 1, out var name, out var end))
            {
                if (variables.TryGetValue(name, out var value) && value is not null)
                {
                    sb.Append(value);
                }

                i = end + 1;
            }
            else
            {
                sb.Append(c);
                i++;
            }
        }

        return sb.ToString();
    }

    /// <summary>The placeholder names <paramref name="template"/> uses, in order of first use.</summary>
    public static IReadOnlyList<string> Placeholders(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var names = new List<string>();
        var i = 0;
        while (i < template.Length)
        {
            if (template[i] is '{' or '}' && i + 1 < template.Length && template[i + 1] == template[i])
            {
                i += 2;
            }
            else if (template[i] == '{' && TryReadName(template, i + 1, out var name, out var end))
            {
                if (!names.Contains(name))
                {
                    names.Add(name);
                }

                i = end + 1;
            }
            else
            {
                i++;
            }
        }

        return names;
    }

    private static bool TryReadName(string template, int start, out string name, out int end)
    {
        end = start;
        while (end < template.Length && (char.IsLetterOrDigit(template[end]) || template[end] is '_' or '.' or '-'))
        {
            end++;
        }

        if (end > start && end < template.Length && template[end] == '}')
        {
            name = template[start..end];
            return true;
        }

        name = string.Empty;
        return false;
    }
}
