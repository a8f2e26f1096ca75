using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Platform.ServiceDefaults.Http;

/// <summary>
/// Keyset pagination: an opaque cursor holding the sort key of the last row returned (a timestamp and a uuid), so
/// the next page continues after it however rows are inserted meanwhile.
/// </summary>
public readonly record struct Cursor(DateTimeOffset At, Guid Id)
{
    /// <summary>Default page size.</summary>
    public const int DefaultLimit = 50;

    /// <summary>Largest page size.</summary>
    public const int MaxLimit = 200;

    /// <summary>The opaque text form.</summary>
    public string Encode() =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{At.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{Id:N}"));

    /// <summary>Parses a cursor a client sent back; false when it is not one of ours.</summary>
    public static bool TryDecode(string? text, out Cursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 100)
        {
            return false;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text)).Split(':');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks >= DateTimeOffset.MinValue.UtcTicks && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && Guid.TryParseExact(parts[1], "N", out var id))
            {
                cursor = new Cursor(new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
        }

        return false;
    }

    /// <summary>
    /// Validates a session list's query (<c>user_id</c>, <c>limit</c>, <c>cursor</c>), as every service that keeps
    /// sessions takes it; <paramref name="user"/> is the trimmed user id (as stored), null when none was given.
    /// </summary>
    public static Validation ValidateSessionList(
        string? userId, int? limit, string? cursor, out string? user, out int pageSize, out Cursor? after)
    {
        user = string.IsNullOrWhiteSpace(userId) ? null : userId.Trim();
        return ValidatePage(limit, cursor, out pageSize, out after).Text("user_id", userId, 200, required: false);
    }

    /// <summary>Validates <c>limit</c> and <c>cursor</c> query values into a page request.</summary>
    public static Validation ValidatePage(int? limit, string? cursor, out int pageSize, out Cursor? after)
    {
        var validation = new Validation().Range("limit", limit, 1, MaxLimit);
        pageSize = limit ?? DefaultLimit;
        after = null;
        if (cursor is not null)
        {
            if (TryDecode(cursor, out var parsed))
            {
                after = parsed;
            }
            else
            {
                validation.Add("cursor", "The cursor is not valid: pass back the next_cursor of a previous page.");
            }
        }

        return validation;
    }
}

/// <summary>A page of items and the cursor of the next page (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>Builds pages from rows fetched with one extra row (<c>LIMIT pageSize + 1</c>).</summary>
public static class Page
{
    /// <summary>The first <paramref name="pageSize"/> rows and, when there were more, the cursor after the last kept.</summary>
    public static Page<T> From<T>(IReadOnlyList<T> rows, int pageSize, Func<T, Cursor> keyOf)
    {
        if (rows.Count <= pageSize)
        {
            return new Page<T>(rows, null);
        }

        var items = rows.Take(pageSize).ToList();
        return new Page<T>(items, keyOf(items[^1]).Encode());
    }
}
