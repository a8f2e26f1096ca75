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
    private readonly SemaphoreSlim semaphore = new(0, 1);

    public void Notify()
    {
        try
        {
            semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits for a notification or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => semaphore.WaitAsync(timeout, cancellationToken);
}
