using System.Net.Mail;
using System.Text.RegularExpressions;

namespace Platform.ServiceDefaults.Http;

/// <summary>
/// Collects per-field errors for a request, named as the client sent them (snake_case), for a single
/// <c>TypedResults.ValidationProblem(errors)</c> answer that lists every problem at once.
/// </summary>
public sealed partial class Validation
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    /// <summary>True when no error was recorded.</summary>
    public bool IsValid => errors.Count == 0;

    /// <summary>The errors in the shape <c>ValidationProblem</c> takes.</summary>
    public Dictionary<string, string[]> Errors => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>Feedback on an answer or a session: <c>rating</c> 1..5 (required) and an optional <c>comment</c>.</summary>
    public Validation Feedback(int? rating, string? comment) =>
        Range("rating", rating, 1, 5, required: true).Text("comment", comment, 4_000, required: false);

    /// <summary>Records an error on <paramref name="field"/>.</summary>
    public Validation Add(string field, string message)
    {
        if (!errors.TryGetValue(field, out var list))
        {
            errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>A required, non-blank text of at most <paramref name="maxLength"/> characters.</summary>
    public Validation Text(string field, string? value, int maxLength, bool required = true)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return required ? Add(field, $"The {field} field is required.") : this;
        }

        return value.Length > maxLength ? Add(field, $"The {field} field must be at most {maxLength} characters.") : this;
    }

    /// <summary>A number inside [min, max] when present (or required).</summary>
    public Validation Range(string field, long? value, long min, long max, bool required = false)
    {
        if (value is null)
        {
            return required ? Add(field, $"The {field} field is required.") : this;
        }

        return value < min || value > max ? Add(field, $"The {field} field must be between {min} and {max}.") : this;
    }

    /// <summary>A number inside [min, max] when present.</summary>
    public Validation Range(string field, double? value, double min, double max) =>
        value is { } v && (double.IsNaN(v) || v < min || v > max) ? Add(field, $"The {field} field must be between {min} and {max}.") : this;

    /// <summary>One of <paramref name="allowed"/> when present (or required).</summary>
    public Validation OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = false)
    {
        if (value is null)
        {
            return required ? Add(field, $"The {field} field is required.") : this;
        }

        return allowed.Contains(value) ? this : Add(field, $"The {field} field must be one of: {string.Join(", ", allowed)}.");
    }

    /// <summary>A plausible e-mail address.</summary>
    public Validation Email(string field, string? value, bool required = true)
    {
        Text(field, value, 254, required);
        if (!string.IsNullOrWhiteSpace(value) && value.Length <= 254
            && (!MailAddress.TryCreate(value, out var parsed) || parsed.Address != value.Trim() || !value.Contains('@', StringComparison.Ordinal)))
        {
            Add(field, $"The {field} field must be an e-mail address.");
        }

        return this;
    }

    /// <summary>A lower-case, hyphen-separated slug of at most 63 characters.</summary>
    public Validation Slug(string field, string? value, bool required = true)
    {
        Text(field, value, 63, required);
        if (!string.IsNullOrWhiteSpace(value) && value.Length <= 63 && !SlugPattern().IsMatch(value))
        {
            Add(field, $"The {field} field may hold lower-case letters, digits and single hyphens between them.");
        }

        return this;
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
