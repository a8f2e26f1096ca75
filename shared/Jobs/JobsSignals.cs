namespace Platform.Jobs;

/// <summary>
/// In-process wake-ups: a commit here wakes this process's relay or webhook sender at once instead of at its next
/// poll. Other processes still find the rows by polling.
/// </summary>
internal sealed class JobsSignals
{
    public Wakeup Outbox { get; } = new();

    public Wakeup Webhooks { get; } = new();
}

internal sealed class Wakeup
{
    private readonly SemaphoreSlim semaphore = new(0);
    private int signalled;

    /// <summary>Wakes the waiter; notifications before it wakes count as one (no exception per commit).</summary>
    public void Notify()
    {
        if (Interlocked.Exchange(ref signalled, 1) == 0)
        {
            semaphore.Release();
        }
    }

    /// <summary>Waits for a notification or <paramref name="timeout"/>, whichever comes first.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await semaphore.WaitAsync(timeout, cancellationToken);
        // Cleared after waking, before the work: a commit from here on wakes the next wait.
        Volatile.Write(ref signalled, 0);
    }
}
