namespace Platform.Documents;

/// <summary>Reads a stream into memory, refusing it the moment it grows past the limit.</summary>
internal static class BoundedReader
{
    private const int InitialBuffer = 64 * 1024;

    /// <summary>
    /// Returns the bytes of <paramref name="content"/>. Never asks the stream for more than
    /// <paramref name="maxBytes"/> + 1 bytes: that one extra byte is how an oversize stream is told from one that
    /// is exactly at the limit.
    /// </summary>
    public static async Task<ArraySegment<byte>> ReadAsync(Stream content, int maxBytes, CancellationToken ct)
    {
        var limit = maxBytes + 1;
        var capacity = InitialBuffer;
        if (content.CanSeek)
        {
            var remaining = content.Length - content.Position;
            if (remaining > maxBytes)
            {
                throw new DocumentTooLargeException(maxBytes);
            }

            // A seekable stream tells its size: one exact buffer, plus the byte that proves the end was reached.
            capacity = (int)Math.Max(remaining, 0) + 1;
        }

        var buffer = new byte[Math.Min(capacity, limit)];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length >= limit)
                {
                    throw new DocumentTooLargeException(maxBytes);
                }

                Array.Resize(ref buffer, (int)Math.Min((long)buffer.Length * 2, limit));
            }

            var read = await content.ReadAsync(buffer.AsMemory(total, buffer.Length - total), ct);
            if (read == 0)
            {
                return new ArraySegment<byte>(buffer, 0, total);
            }

            total += read;
            if (total > maxBytes)
            {
                throw new DocumentTooLargeException(maxBytes);
            }
        }
    }
}
