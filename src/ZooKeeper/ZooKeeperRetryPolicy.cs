namespace ZkSync.ZooKeeper;

/// <summary>
/// The one place that decides what is worth retrying: a lost connection or a timeout (the session
/// lives on and the request may simply be re-sent), never an expired session or a server's answer.
/// Retries back off exponentially with jitter. Callers must make retried operations idempotent
/// (e.g. a create after ConnectionLoss may already have happened: recipes name nodes with a uuid).
/// </summary>
public sealed class ZooKeeperRetryPolicy
{
    public static ZooKeeperRetryPolicy Default { get; } = new();

    public int MaxAttempts { get; init; } = 10;

    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public static bool IsRetryable(Exception exception) =>
        exception is ConnectionLossException or OperationTimeoutException or RequestTimeoutException or ThrottledException;

    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (IsRetryable(exception) && attempt < MaxAttempts)
            {
                await Task.Delay(DelayFor(attempt), TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task ExecuteAsync(Func<CancellationToken, Task> operation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return ExecuteAsync(async token =>
        {
            await operation(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    private TimeSpan DelayFor(int attempt)
    {
        var exponential = InitialDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 16));
        var capped = Math.Min(exponential, MaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }
}
