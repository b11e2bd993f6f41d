namespace ZkSync.LocalCluster.Tests.Support;

/// <summary>Polls a reading until it satisfies a condition (for what no client can wait on, such as events), within a
/// deadline; throws with the last reading when the deadline passes.</summary>
public static class Eventually
{
    public static async Task<T> ValueAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(done);
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var value = await read().ConfigureAwait(false);
            if (done(value))
            {
                return value;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"still not there after {timeout ?? TimeSpan.FromSeconds(60)}; last reading: {value}");
            }
        }
    }
}
