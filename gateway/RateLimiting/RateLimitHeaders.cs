using System.Collections.Concurrent;
using System.Globalization;

namespace Platform.Gateway.RateLimiting;

// The fields of draft-ietf-httpapi-ratelimit-headers-11 (May 2026, the current revision), which the issue asks for:
//   RateLimit-Policy: "default";q=600;w=60   quota and window in seconds, the same on every response
//   RateLimit: "default";r=599;t=42          what is left, and the seconds until the window ends
// Both are Structured Field lists whose item is the policy name as a String. The older RateLimit-Limit/-Remaining/
// -Reset trio left the draft in revision 07 (2023) and is not sent. Refusals also carry Retry-After in whole seconds,
// at least 1 and never before the window ends (the draft's rule for a response with both). The optional partition key
// (`pk`) is not sent: it would disclose the API key's id.
public static class RateLimitHeaders
{
    public const string PolicyName = "default";
    public const string PolicyHeader = "RateLimit-Policy";
    public const string LimitHeader = "RateLimit";

    private static readonly ConcurrentDictionary<long, string> Policies = new();

    public static void Apply(HttpResponse response, RateLimitDecision decision, int windowSeconds)
    {
        var headers = response.Headers;
        headers[PolicyHeader] = Policy(decision.Limit, windowSeconds);
        headers[LimitHeader] = string.Create(CultureInfo.InvariantCulture,
            $"\"{PolicyName}\";r={decision.Remaining};t={WholeSeconds(decision.ResetAfter)}");
        if (decision.RetryAfter is { } retryAfter)
        {
            headers.RetryAfter = RetryAfterSeconds(retryAfter).ToString(CultureInfo.InvariantCulture);
        }
    }

    // Retry-After's value: whole seconds rounded up, at least 1 (0 would invite an immediate retry).
    public static int RetryAfterSeconds(TimeSpan retryAfter) => Math.Max(1, WholeSeconds(retryAfter));

    // Seconds rounded up: a window ending in 0.2 s has not ended "now".
    public static int WholeSeconds(TimeSpan duration) =>
        duration <= TimeSpan.Zero ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(duration.TotalSeconds));

    private static string Policy(int limit, int windowSeconds)
    {
        // Few distinct limits exist, and this field is the same on every response: format each once.
        var id = ((long)limit << 32) | (uint)windowSeconds;
        if (Policies.TryGetValue(id, out var policy))
        {
            return policy;
        }

        policy = string.Create(CultureInfo.InvariantCulture, $"\"{PolicyName}\";q={limit};w={windowSeconds}");
        if (Policies.Count < 10_000)
        {
            Policies.TryAdd(id, policy);
        }

        return policy;
    }
}
