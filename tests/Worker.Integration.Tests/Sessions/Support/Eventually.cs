namespace ZkSync.Worker.IntegrationTests.Sessions.Support;

/// <summary>
/// Waits for a condition that no event announces (a file rsync creates in the destination, a process
/// disappearing), checking every 20 ms until a deadline; fails with what it was waiting for.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string description)
    {
        ArgumentNullException.ThrowIfNull(condition);
        using var deadline = new CancellationTokenSource(timeout);
        using var timer = new PeriodicTimer(Interval);
        while (!condition())
        {
            try
            {
                await timer.WaitForNextTickAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                if (condition())
                {
                    return;
                }

                throw new TimeoutException($"not within {timeout}: {description}");
            }
        }
    }
}
