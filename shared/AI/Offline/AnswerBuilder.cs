using System.Text;

namespace Platform.AI.Offline;

/// <summary>
/// The builder an offline answer is written in, reused per thread (as the runtime's own StringBuilderCache does): an
/// answer is written synchronously on one thread, so each one costs its final string only, not a builder grown chunk
/// by chunk.
/// </summary>
internal static class AnswerBuilder
{
    // Room for the longest usual answer; a builder that had to grow past it is left to the GC.
    private const int Capacity = 8 * 1024;

    [ThreadStatic]
    private static StringBuilder? cached;

    /// <summary>An empty builder: the thread's cached one, or a new one while that is in use.</summary>
    public static StringBuilder Rent()
    {
        var sb = cached ?? new StringBuilder(Capacity);
        cached = null;
        return sb;
    }

    /// <summary>The answer written in <paramref name="sb"/>; the builder goes back to the cache.</summary>
    public static string ToStringAndReturn(StringBuilder sb)
    {
        var answer = sb.ToString();
        if (sb.Capacity <= Capacity)
        {
            cached = sb.Clear();
        }

        return answer;
    }
}
